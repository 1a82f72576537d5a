"""FilterSets of the credit ledger and progress, shared by pages, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from institutions.filtersets import UpdatedSinceFilter
from projects.choices import Category

from .models import CreditLedgerEntry, CycleProgress, EntryType, ProgressStatus, SchoolYearProgress


class CreditLedgerEntryFilterSet(django_filters.FilterSet):
    teacher = django_filters.NumberFilter(label=_("教师 ID / teacher id"))
    record = django_filters.NumberFilter(label=_("培训记录 ID / training record id"))
    school_year = django_filters.CharFilter(label=_("学年，如 2024-2025 / school year"))
    category = django_filters.ChoiceFilter(
        label=_("课程类别 / course category"), choices=Category.choices
    )
    entry_type = django_filters.ChoiceFilter(
        label=_("分录类型 / entry type"), choices=EntryType.choices
    )
    updated_since = UpdatedSinceFilter(
        "posted_at", label=_("此时间之后认定的 / posted at or after (ISO 8601)")
    )

    class Meta:
        model = CreditLedgerEntry
        fields = ["teacher", "record", "school_year", "category", "entry_type", "updated_since"]


class CycleProgressFilterSet(django_filters.FilterSet):
    teacher = django_filters.NumberFilter(label=_("教师 ID / teacher id"))
    status = django_filters.ChoiceFilter(
        label=_("进度状态 / progress status"), choices=ProgressStatus.choices
    )
    policy_code = django_filters.CharFilter(label=_("政策代码 / policy code"))
    updated_since = UpdatedSinceFilter(
        "computed_at", label=_("此时间之后计算的 / computed at or after (ISO 8601)")
    )

    class Meta:
        model = CycleProgress
        fields = ["teacher", "status", "policy_code", "updated_since"]


class SchoolYearProgressFilterSet(django_filters.FilterSet):
    teacher = django_filters.NumberFilter(label=_("教师 ID / teacher id"))
    school_year = django_filters.CharFilter(label=_("学年，如 2024-2025 / school year"))
    is_complete = django_filters.BooleanFilter(label=_("已完成 / complete"))
    policy_code = django_filters.CharFilter(label=_("政策代码 / policy code"))
    updated_since = UpdatedSinceFilter(
        "computed_at", label=_("此时间之后计算的 / computed at or after (ISO 8601)")
    )

    class Meta:
        model = SchoolYearProgress
        fields = ["teacher", "school_year", "is_complete", "policy_code", "updated_since"]
