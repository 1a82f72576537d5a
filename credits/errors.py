"""Credit errors with Chinese messages; rule-engine codes are translated here."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

# credits.rules raises RuleError(code, **params) with no text; each code's message is here.
# %(record)s names the record ("第 1 条记录（id r1）", or "" when the error is not about one)
# and %(where)s is the same with "的"; %(field)s is the field's label from FIELD_LABELS.
RULE_MESSAGES = {
    "unknown_policy": _("没有代码为“%(code)s”的学分政策。可用的政策：%(allowed)s。"),
    "unknown_word": _("%(where)s“%(field)s”不能是“%(value)s”，可填写：%(allowed)s。"),
    "negative_hours": _("%(where)s%(field)s不能为负数（填写的是 %(hours)s）。"),
    "leave_above_hours": _("%(where)s请假学时（%(leave_hours)s）不能超过参训学时（%(hours)s）。"),
    "missing_field": _("%(record)s缺少必填项“%(field)s”。"),
    "bad_date": _("%(where)s“%(field)s”填写的“%(value)s”不是有效日期，请按 YYYY-MM-DD 填写。"),
    "bad_number": _("%(where)s“%(field)s”填写的“%(value)s”不是有效数字，请填写数字。"),
    "grade_quota_exceeded": _(
        "考核等次比例超限：本项目共 %(total)s 人参加考核，%(grade)s 不得超过 %(limit_percent)s%%"
        "（最多 %(allowed)s 人），现有 %(count)s 人。"
    ),
    "bad_payload": _("%(where)s“%(field)s”的格式不对，应为%(expected)s。"),
    "bad_policy": _("政策参数“%(field)s”不合理（%(reason)s），请检查后再保存。"),
    "out_of_range": _(
        "%(where)s“%(field)s”填写的 %(value)s 超出范围，应在 %(minimum)s 到 %(maximum)s 之间。"
    ),
    "too_many_records": _("一次最多试算 %(limit)s 条记录，本次有 %(count)s 条。请分批试算。"),
    "overflow": _("学分计算结果超出可表示的范围，请检查学时和政策参数。"),
}
# Messages for a case of a code that reads better on its own.
DUPLICATE_ID_MESSAGE = _("%(record)s的记录编号与第 %(first)s 条记录重复：每条记录的 id 必须不同。")
WHOLE_RECORD_MESSAGE = _("%(record)s的格式不对，应为%(expected)s。")
RECORD_LABELS = {
    "index_and_id": _("第 %(number)d 条记录（id %(id)s）"),
    "index": _("第 %(number)d 条记录"),
    "id": _("记录（id %(id)s）"),
}
WHERE = _("%(record)s的")
# The one table of field labels: payload keys and rule fields, as the user reads them.
FIELD_LABELS = {
    "id": _("记录编号"),
    "hours": _("参训学时"),
    "leave_hours": _("请假学时"),
    "days": _("参训天数"),
    "tier": _("项目级别"),
    "mode": _("培训形式"),
    "category": _("课程类别"),
    "grade": _("考核等次"),
    "role": _("参训身份"),
    "kind": _("记录类型"),
    "approved": _("项目已审核"),
    "date": _("完成日期"),
    "teacher": _("教师信息"),
    "groups": _("教师群体"),
    "hired_on": _("入职日期"),
    "records": _("培训记录列表"),
    "as_of": _("核查日期"),
    "payload": _("试算内容"),
    "school_year": _("学年"),
}
EXPECTED_LABELS = {
    "object": _("对象（{…}）"),
    "list": _("列表（[…]）"),
    "boolean": _("true 或 false"),
    "string": _("文字"),
    "unique": _("不重复的值"),
    "id": _("不为空、最长 64 个字符的文字，或整数"),
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
        if rule_code == "bad_payload" and "first_index" in params:
            self.message = DUPLICATE_ID_MESSAGE
        elif rule_code == "bad_payload" and _record_number(params.get("field")) is not None:
            self.message = WHOLE_RECORD_MESSAGE
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
    number = _record_number(params.get("field"))
    index = params.get("record_index", number - 1 if number is not None else None)
    if "field" in params:
        shown["field"] = FIELD_LABELS.get(params["field"], params["field"])
    if "expected" in params:
        shown["expected"] = EXPECTED_LABELS.get(params["expected"], params["expected"])
    if params.get("grade") in GRADE_LABELS:
        shown["grade"] = GRADE_LABELS[params["grade"]]
    if "first_index" in params:
        shown["first"] = params["first_index"] + 1
    shown["record"] = _record_label(index, params.get("record_id"))
    shown["where"] = str(WHERE) % {"record": shown["record"]} if shown["record"] else ""
    if "record_id" not in shown:
        shown["record_id"] = ""
    return {key: str(value) for key, value in shown.items()}


def _record_number(field) -> int | None:
    """Return N+1 for a field path "records.N" (a whole record), else None."""
    prefix = "records."
    if isinstance(field, str) and field.startswith(prefix) and field[len(prefix) :].isdigit():
        return int(field[len(prefix) :]) + 1
    return None


def _record_label(index: int | None, record_id) -> str:
    """Return "第 N 条记录（id X）" for a record of a payload, "记录（id X）" for a stored one."""
    if index is not None and record_id is not None:
        return str(RECORD_LABELS["index_and_id"]) % {"number": index + 1, "id": record_id}
    if index is not None:
        return str(RECORD_LABELS["index"]) % {"number": index + 1}
    if record_id is not None:
        return str(RECORD_LABELS["id"]) % {"id": record_id}
    return ""


class RecordsNotFound(CreditError):
    """Some records are not in the user's jurisdiction, or not of the project."""

    code = "records_not_found"
    message = _("有 %(count)d 条记录不存在、不属于该项目或不在您的管辖范围内。")
    status = 404


class RecordsLocked(CreditError):
    """Approved records are frozen: their credits are in the ledger."""

    code = "records_locked"
    message = _("有 %(count)d 条记录已认定学分，不能再修改考核等次。")


class GradesFrozen(CreditError):
    """A declared record waits for the county: its grade and hours change only after a return."""

    code = "grades_frozen"
    message = _(
        "有 %(count)d 条记录已申报待审核（%(records)s），考核等次和学时已冻结，不能修改；"
        "如需更正，请县级教育局先退回。"
    )


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


class RecordsNotCorrectable(CreditError):
    """Only approved records have credits to withdraw or correct."""

    code = "records_not_correctable"
    message = _(
        "有 %(count)d 条记录尚未认定，没有可撤销或更正的学分；未认定的记录请在学分认定中退回。"
    )


class CorrectionReasonRequired(CreditError):
    """A withdrawal or correction is posted with its reason, which the teacher is told."""

    code = "correction_reason_required"
    message = _("请填写撤销或更正的原因：原因会记入学分台账，并告知教师。")


class NothingToCorrect(CreditError):
    """A correction that changes nothing would only add two entries that cancel out."""

    code = "nothing_to_correct"
    message = _("更正的内容与原记录相同，没有需要更正的地方。")
