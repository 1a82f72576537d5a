"""Shape-only forms of the project pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TickedIdsField


class SchoolBasedCourseForm(forms.Form):
    """A school-based course declared by the school (校本研修课程申报)."""

    name = forms.CharField(label=_("课程名称"), max_length=200)
    hours = forms.DecimalField(label=_("学时"), min_value=1, max_digits=6, decimal_places=1)
    starts_on = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ProjectDecisionForm(forms.Form):
    """Projects ticked in the review queue, and the note when returning them."""

    project_ids = TickedIdsField(required_message=_("请先勾选项目。"))
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)
