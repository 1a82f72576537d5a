"""FilterSets of projects and records, shared by pages, the API and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.filtersets import UpdatedSinceFilter

from .choices import Category, Mode, RecordStatus, ReviewStatus, Tier
from .models import TrainingProject, TrainingRecord


class TrainingRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("教师姓名或身份证号"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=RecordStatus.choices, empty_label=_("全部状态")
    )
    school = django_filters.NumberFilter(label=_("学校"), field_name="teacher__school")
    project = django_filters.NumberFilter(label=_("项目"), field_name="project")
    school_year_start = django_filters.DateFilter(
        label=_("完成日期起"), field_name="completed_on", lookup_expr="gte"
    )

    class Meta:
        model = TrainingRecord
        fields = ["q", "status", "school", "project"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(teacher__name__contains=value)
            | Q(teacher__id_number=value.upper())
            | Q(project__name__contains=value)
            | Q(project__code=value)
        )


class TrainingProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称或编号"), method="search")
    review_status = django_filters.ChoiceFilter(
        label=_("审核状态"), choices=ReviewStatus.choices, empty_label=_("全部")
    )
    tier = django_filters.ChoiceFilter(
        label=_("项目级别"), choices=Tier.choices, empty_label=_("全部")
    )
    mode = django_filters.ChoiceFilter(
        label=_("培训形式"), choices=Mode.choices, empty_label=_("全部")
    )
    category = django_filters.ChoiceFilter(
        label=_("课程类别"), choices=Category.choices, empty_label=_("全部")
    )

    class Meta:
        model = TrainingProject
        fields = ["q", "review_status", "tier", "mode", "category"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code=value)) if value else queryset


class TrainingProjectApiFilterSet(TrainingProjectFilterSet):
    """The project filters of the pages, labelled for the API, plus incremental sync."""

    q = django_filters.CharFilter(label=_("项目名称或编号 / name or code"), method="search")
    review_status = django_filters.ChoiceFilter(
        label=_("审核状态 / review status"), choices=ReviewStatus.choices
    )
    tier = django_filters.ChoiceFilter(label=_("项目级别 / tier"), choices=Tier.choices)
    mode = django_filters.ChoiceFilter(label=_("培训形式 / mode"), choices=Mode.choices)
    category = django_filters.ChoiceFilter(
        label=_("课程类别 / course category"), choices=Category.choices
    )
    code = django_filters.CharFilter(label=_("项目编号（精确） / exact project code"))
    issuing_unit = django_filters.NumberFilter(label=_("发文单位 ID / issuing unit id"))
    updated_since = UpdatedSinceFilter()

    class Meta(TrainingProjectFilterSet.Meta):
        fields = [*TrainingProjectFilterSet.Meta.fields, "code", "issuing_unit", "updated_since"]


class TrainingRecordApiFilterSet(TrainingRecordFilterSet):
    """The record filters of the pages, labelled for the API, plus incremental sync."""

    q = django_filters.CharFilter(
        label=_("教师姓名、身份证号码、项目名称或编号 / teacher name or ID number, project"),
        method="search",
    )
    status = django_filters.ChoiceFilter(label=_("状态 / status"), choices=RecordStatus.choices)
    school = django_filters.NumberFilter(
        label=_("学校 ID / school id"), field_name="teacher__school"
    )
    project = django_filters.NumberFilter(label=_("培训项目 ID / project id"))
    teacher = django_filters.NumberFilter(label=_("教师 ID / teacher id"))
    school_year_start = django_filters.DateFilter(
        label=_("完成日期起 / completed on or after"), field_name="completed_on", lookup_expr="gte"
    )
    updated_since = UpdatedSinceFilter()

    class Meta(TrainingRecordFilterSet.Meta):
        fields = [*TrainingRecordFilterSet.Meta.fields, "teacher", "updated_since"]
