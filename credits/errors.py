"""Credit errors with Chinese messages; rule-engine codes are translated here."""

from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError

# credits.rules raises RuleError(code, **params) with no text; each code's message is here.
RULE_MESSAGES = {
    "unknown_policy": _("没有代码为“%(code)s”的学分政策。可用的政策：%(allowed)s。"),
    "unknown_word": _("“%(field)s”不能是“%(value)s”，可填写：%(allowed)s。"),
    "negative_hours": _("记录 %(record_id)s 的%(field)s不能为负数（填写的是 %(hours)s）。"),
    "leave_above_hours": _(
        "记录 %(record_id)s 的请假学时（%(leave_hours)s）不能超过参训学时（%(hours)s）。"
    ),
    "missing_field": _("缺少必填项“%(field)s”。"),
    "bad_date": _("“%(field)s”的日期“%(value)s”无效，请按 YYYY-MM-DD 填写。"),
    "bad_number": _("“%(field)s”的数值“%(value)s”无效，请填写数字。"),
    "grade_quota_exceeded": _(
        "考核等次比例超限：本项目共 %(total)s 人参加考核，%(grade)s 不得超过 %(limit_percent)s%%"
        "（最多 %(allowed)s 人），现有 %(count)s 人。"
    ),
    "bad_payload": _("“%(field)s”的格式不对，应为%(expected)s。"),
    "bad_policy": _("政策参数“%(field)s”不合理（%(reason)s），请检查后再保存。"),
}
FIELD_LABELS = {
    "hours": _("参训学时"),
    "leave_hours": _("请假学时"),
    "days": _("参训天数"),
    "tier": _("项目级别"),
    "mode": _("培训形式"),
    "category": _("课程类别"),
    "grade": _("考核等次"),
    "role": _("参训身份"),
    "kind": _("记录类型"),
    "groups": _("教师群体"),
    "date": _("日期"),
    "hired_on": _("入职日期"),
}
EXPECTED_LABELS = {
    "object": _("对象（{…}）"),
    "list": _("列表（[…]）"),
    "boolean": _("true 或 false"),
    "string": _("文字"),
    "unique": _("不重复的值"),
}
GRADE_LABELS = {"good": _("良好及以上"), "excellent": _("优秀")}


class CreditError(DomainError):
    """A credit rule refused the operation."""

    code = "credit_error"


class CreditRuleError(CreditError):
    """The rule engine refused its input; the rule's code and parameters say why."""

    def __init__(self, rule_code: str, **params):
        self.code = rule_code
        self.message = RULE_MESSAGES.get(rule_code, _("学分规则拒绝了输入。"))
        super().__init__(**params)

    def __str__(self):
        return str(self.message) % _display_params(self.params)


class PolicyNotFound(CreditError):
    """No published policy covers the teacher's county."""

    code = "policy_not_found"
    message = _("%(place)s 没有生效的学分政策，请联系自治区（省）教育厅配置。")
    status = 404


class PolicyFrozen(CreditError):
    """A published policy cannot be edited in place."""

    code = "policy_frozen"
    message = _("政策“%(policy)s”已发布，不能直接修改；请先复制为新版本再修改。")


def _display_params(params: dict) -> dict:
    shown = {}
    for key, value in params.items():
        if isinstance(value, list | tuple | frozenset | set):
            value = "、".join(str(v) for v in value)
        shown[key] = value
    if "field" in params:
        shown["field"] = FIELD_LABELS.get(params["field"], params["field"])
    if "expected" in params:
        shown["expected"] = EXPECTED_LABELS.get(params["expected"], params["expected"])
    if params.get("grade") in GRADE_LABELS:
        shown["grade"] = GRADE_LABELS[params["grade"]]
    if "record_id" not in shown:
        shown["record_id"] = ""
    return {key: str(value) for key, value in shown.items()}


class RecordsNotFound(CreditError):
    """Some records are not in the user's jurisdiction, or not of the project."""

    code = "records_not_found"
    message = _("有 %(count)d 条记录不存在、不属于该项目或不在您的管辖范围内。")
    status = 404


class RecordsLocked(CreditError):
    """Approved records are frozen: their credits are in the ledger."""

    code = "records_locked"
    message = _("有 %(count)d 条记录已认定学分，不能再修改考核等次。")


class RecordsNotEditable(CreditError):
    """Declared or approved records are not changed by the school."""

    code = "records_not_editable"
    message = _("有 %(count)d 条记录已申报或已认定，不能修改；如需更正请联系县级教育局退回。")


class RecordsNotDeclarable(CreditError):
    """Only complete draft or rejected records are declared."""

    code = "records_not_declarable"
    message = _("有 %(count)d 条记录不能申报：只能申报待申报或已退回的记录，且须已录入考核等次。")


class RecordsNotApprovable(CreditError):
    """Only declared records of approved projects with a grade are approved."""

    code = "records_not_approvable"
    message = _(
        "有 %(count)d 条记录不能认定：记录须为已申报待审核状态、项目须已审核通过、须已录入考核等次。"
    )


class ReasonRequired(CreditError):
    """Sending records back needs a reason the school can act on."""

    code = "reason_required"
    message = _("请填写退回原因，学校会据此修改后重新申报。")
