"""Row errors: the Chinese messages a row gets, in the preview, the report and the API push."""

from __future__ import annotations

import sys

from django.utils.translation import gettext_lazy as _

from projects.choices import RecordStatus

from .text import shown_value, translated

# Row errors: shown in the preview and in the report's 错误说明 column.
ROW_MESSAGES = {
    "required": _("“%(header)s”不能为空。"),
    "formula_without_result": _(
        "“%(header)s”是公式，公式没有计算结果。请在 Excel 中打开并保存一次，或把公式改为数值后再上传。"
    ),
    "id_as_float": _(
        "身份证号码被 Excel 存成了数字（%(value)s），后几位已经丢失。"
        "请把“身份证号码”列设置为“文本”格式，重新输入号码后再上传。"
    ),
    "id_invalid": _("身份证号码“%(value)s”有误：%(reason)s"),
    "id_as_number_hint": _("（这一格被存成了数字；请把该列设置为“文本”格式后重新输入）"),
    "example_row": _("这是模板中的示例行，请删除后再上传。"),
    "teacher_unknown": _(
        "身份证号码 %(value)s 不是您学校的在册教师（系统中没有该教师，或其不在您管理的学校）。"
        "请核对号码，或先登记该教师的信息。"
    ),
    "name_mismatch": _("姓名“%(value)s”与身份证号码登记的教师“%(expected)s”不一致，请核对。"),
    "project_unknown": _(
        "项目编号“%(value)s”不存在，或不是您可以登记的项目。请核对编号（可在培训项目列表中查看）。"
    ),
    "project_not_approved": _(
        "项目“%(project)s”（%(value)s）尚未通过教育局审核，暂不能登记培训记录。"
    ),
    "not_a_number": _("“%(header)s”应填写数字，填写的是“%(value)s”。"),
    "negative": _("“%(header)s”不能为负数，填写的是 %(value)s。"),
    "too_many_decimals": _("“%(header)s”最多保留 1 位小数，填写的是 %(value)s。"),
    "too_large": _("“%(header)s”的数值 %(value)s 过大，请核对。"),
    "leave_above_hours": _("请假学时（%(leave)s）不能超过参训学时（%(hours)s）。"),
    "bad_grade": _("考核等次只能填写 合格、良好、优秀、不合格 或留空，填写的是“%(value)s”。"),
    "bad_role": _("参训身份只能填写 学员 或 主讲教师（留空按学员），填写的是“%(value)s”。"),
    "bad_date": _("完成日期“%(value)s”无法识别，请填写日期，如 2025-03-01。"),
    "bad_weekday": _("完成日期“%(value)s”中的星期与日期不符：%(day)s 是%(weekday)s，请核对。"),
    "too_long": _("“%(header)s”填写的内容过长，请核对：“%(value)s”。"),
    "duplicate": _("与第 %(first)d 行重复：同一位教师的同一个项目只能填写一行。"),
    "approved_changed": _(
        "该教师在此项目的记录已认定学分，不能再修改（%(changes)s）。如需更正，请联系教育局。"
    ),
    "declared_changed": _(
        "该教师在此项目的记录已申报待审核，考核等次和学时已冻结，不能修改（%(changes)s）。"
        "如需更正，请县级教育局先退回。"
    ),
    "quota": _("项目“%(project)s”：%(reason)s（已计入系统中已有的记录和本文件）"),
}


# A stored record in these states keeps its values; a row changing them is an error.
FROZEN_MESSAGES = {
    RecordStatus.APPROVED: "approved_changed",
    RecordStatus.DECLARED: "declared_changed",
}
# projects.plausibility's field → the column a row error is reported under
PLAUSIBILITY_COLUMNS = {"project": "project_code"}


QUOTED_PARAMS = ("value", "expected", "project")  # what a user typed, or a stored name


def row_message(code: str, **params) -> str:
    """Return a row error in the active language, every quoted value cut by `shown_value`."""
    for name in QUOTED_PARAMS:
        if name in params:
            params[name] = shown_value(params[name])
    # One string per distinct message: a column wrong in every row repeats one message.
    return sys.intern(translated(ROW_MESSAGES[code]) % params)
