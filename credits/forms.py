"""Shape-only forms of the credits pages; the rule engine does every rule check."""

import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TickedIdsField
from institutions.choices import SchoolType
from projects.choices import Category, Grade, Mode, RecordRole, Tier
from trainees.choices import CareerStage, GroupCode

from .models import AnomalyKind, ProgressStatus


class CalculatorForm(forms.Form):
    """The teacher part of the credit calculator."""

    policy = forms.ChoiceField(label=_("学分政策"))
    hired_on = forms.DateField(
        label=_("入职日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    groups = forms.MultipleChoiceField(
        label=_("教师群体"),
        choices=GroupCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [(p.code, p.name) for p in policies]


class CalculatorRecordForm(forms.Form):
    """One training record of the calculator; blank rows are ignored."""

    tier = forms.ChoiceField(label=_("项目级别"), choices=Tier.choices, initial=Tier.REGION)
    mode = forms.ChoiceField(label=_("培训形式"), choices=Mode.choices)
    category = forms.ChoiceField(label=_("课程类别"), choices=Category.choices)
    hours = forms.DecimalField(label=_("参训学时"), min_value=0, max_digits=6, decimal_places=1)
    leave_hours = forms.DecimalField(
        label=_("请假学时"), min_value=0, max_digits=6, decimal_places=1, initial=0, required=False
    )
    grade = forms.ChoiceField(label=_("考核等次"), choices=Grade.choices, initial=Grade.PASS)
    role = forms.ChoiceField(label=_("参训身份"), choices=RecordRole.choices)
    date = forms.DateField(
        label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    approved = forms.BooleanField(label=_("项目已审核"), required=False, initial=True)
    is_degree = forms.BooleanField(label=_("学历提升"), required=False)


CalculatorRecordFormSet = forms.formset_factory(
    CalculatorRecordForm, extra=0, min_num=1, max_num=50, validate_min=True
)


class TrainingRecordForm(forms.Form):
    """A school admin's registration of one training record (shape only)."""

    teacher = forms.ModelChoiceField(label=_("教师"), queryset=None)
    project = forms.ModelChoiceField(label=_("培训项目（已审核通过）"), queryset=None)
    hours = forms.DecimalField(label=_("参训学时"), min_value=0, max_digits=6, decimal_places=1)
    leave_hours = forms.DecimalField(
        label=_("请假学时"), min_value=0, max_digits=6, decimal_places=1, initial=0
    )
    grade = forms.ChoiceField(
        label=_("考核等次"),
        choices=[("", _("尚未考核")), *Grade.choices],
        required=False,
    )
    role = forms.ChoiceField(label=_("参训身份"), choices=RecordRole.choices)
    completed_on = forms.DateField(
        label=_("完成日期"),
        required=False,
        help_text=_("不填则按项目结束日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, teachers, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["project"].queryset = projects


class TrainingRecordEditForm(forms.Form):
    """The values a school may correct on a draft or returned record."""

    hours = forms.DecimalField(label=_("参训学时"), min_value=0, max_digits=6, decimal_places=1)
    leave_hours = forms.DecimalField(
        label=_("请假学时"), min_value=0, max_digits=6, decimal_places=1
    )
    grade = forms.ChoiceField(
        label=_("考核等次"), choices=[("", _("尚未考核")), *Grade.choices], required=False
    )
    role = forms.ChoiceField(label=_("参训身份"), choices=RecordRole.choices)
    completed_on = forms.DateField(
        label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RecordSelectionForm(forms.Form):
    """The records ticked on a list page, and the reason when sending them back."""

    record_ids = TickedIdsField(required_message=_("请先勾选记录。"))
    reason = forms.CharField(label=_("退回原因"), max_length=200, required=False)


class CorrectionForm(TrainingRecordEditForm):
    """An approving officer's correction of an approved record, with the required reason."""

    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        error_messages={"required": _("请填写更正原因：原因会记入学分台账，并告知教师。")},
    )


class WithdrawalForm(forms.Form):
    """Approved records whose credits an officer withdraws, with the required reason."""

    record_ids = TickedIdsField(required_message=_("请先勾选要撤销学分的记录。"))
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        error_messages={"required": _("请填写撤销原因：原因会记入学分台账，并告知教师。")},
    )


class EnrolmentForm(forms.Form):
    """Teachers enrolled in a school-based course."""

    teacher_ids = TickedIdsField(required_message=_("请先勾选教师。"))


def results_from_post(data, records) -> tuple[dict, list[str]]:
    """Read the per-trainee hours, leave and grade inputs of the results page.

    Returns the results by record id for the records whose inputs were sent, and the
    Chinese messages of inputs that are not numbers or grades.
    """
    from credits.services import TraineeResult

    grades = set(Grade.values) | {""}
    results, errors = {}, []
    for record in records:
        if f"grade-{record.pk}" not in data:
            continue
        grade = data.get(f"grade-{record.pk}", "")
        values = {}
        for field, label in (("hours", _("参训学时")), ("leave_hours", _("请假学时"))):
            text = data.get(f"{field}-{record.pk}", "").strip()
            try:
                values[field] = Decimal(normalize_number(text)) if text else None
            except InvalidOperation:
                errors.append(
                    _("%(name)s 的%(label)s“%(value)s”不是数字。")
                    % {"name": record.teacher.name, "label": label, "value": text}
                )
        if grade not in grades:
            errors.append(_("%(name)s 的考核等次无效。") % {"name": record.teacher.name})
        results[record.pk] = TraineeResult(grade=grade, **values)
    return results, errors


def normalize_number(text: str) -> str:
    """Fold full-width digits and points typed with a Chinese input method."""
    return unicodedata.normalize("NFKC", text).replace("。", ".")


class OversightFilterForm(forms.Form):
    """The filters of the oversight lists, read from the URL so every link carries them.

    Values that are not among the choices are dropped, not refused: a hand-edited URL shows
    the list unfiltered by that value, never an error page. Units and schools are looked up
    inside the user's jurisdiction by the view.
    """

    unit = forms.RegexField(regex=r"^\d{6}$", required=False)
    school = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    status = forms.ChoiceField(choices=[("", ""), *list(ProgressStatus.choices)], required=False)
    stage = forms.ChoiceField(choices=[("", ""), *list(CareerStage.choices)], required=False)
    school_type = forms.ChoiceField(choices=[("", ""), *list(SchoolType.choices)], required=False)
    school_year = forms.RegexField(regex=r"^\d{4}-\d{4}$", required=False)
    year_status = forms.ChoiceField(
        choices=[("", ""), ("complete", _("本学年已完成")), ("incomplete", _("本学年未完成"))],
        required=False,
    )
    trained = forms.ChoiceField(
        choices=[("", ""), ("yes", _("本学年已参训")), ("no", _("本学年未参训"))], required=False
    )

    def filters(self) -> dict:
        """Return the valid filters only (an invalid one is left out)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class AnomalyFilterForm(forms.Form):
    """Filters of the anomaly list: kind, unit, school, handled or not."""

    kind = forms.ChoiceField(choices=[("", ""), *list(AnomalyKind.choices)], required=False)
    unit = forms.RegexField(regex=r"^\d{6}$", required=False)
    school = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    handled = forms.ChoiceField(
        choices=[("no", _("待处理")), ("yes", _("已处理")), ("all", _("全部"))], required=False
    )

    def filters(self) -> dict:
        self.is_valid()
        values = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        values.setdefault("handled", "no")
        return values
