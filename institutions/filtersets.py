"""FilterSets of administrative units and schools, shared by pages, the API and exports."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from .choices import SchoolType, UnitLevel
from .models import AdministrativeUnit, School


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, turned to UTC: PostgreSQL refuses offsets past ±15:59."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            message = _("时间超出范围，请填写如 2025-03-01T08:00:00+08:00 的时间。")
            raise forms.ValidationError(message) from None


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """Rows changed at or after a moment (incremental sync): `updated_since=<ISO 8601>`."""

    field_class = UtcIsoDateTimeField

    def __init__(self, field_name="updated_at", **kwargs):
        kwargs.setdefault("label", _("此时间之后更新的 / updated at or after (ISO 8601)"))
        super().__init__(field_name=field_name, lookup_expr="gte", **kwargs)


class AdministrativeUnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或代码 / name or code"), method="search")
    level = django_filters.ChoiceFilter(label=_("级别 / level"), choices=UnitLevel.choices)
    parent = django_filters.NumberFilter(label=_("上级单位 ID / parent unit id"))

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "level", "parent"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code=value)) if value else queryset


class SchoolFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("学校名称或标识码 / name or code"), method="search")
    county = django_filters.NumberFilter(label=_("县市区 ID / county id"))
    school_type = django_filters.ChoiceFilter(
        label=_("学校类型 / school type"), choices=SchoolType.choices
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = School
        fields = ["q", "county", "school_type", "updated_since"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code=value)) if value else queryset
