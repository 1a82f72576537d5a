"""FilterSets of teachers, shared by pages, the API and exports."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.filtersets import UpdatedSinceFilter

from .choices import DisclosureChannel, Subject
from .models import NationalIdDisclosure, Teacher
from .national_id import normalize_id_number


class TeacherFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("姓名或完整身份证号码 / name, or the whole ID number"), method="search"
    )
    school = django_filters.NumberFilter(label=_("学校 ID / school id"))
    county = django_filters.NumberFilter(
        label=_("县市区 ID / county id"), field_name="school__county"
    )
    subject = django_filters.ChoiceFilter(label=_("任教学科 / subject"), choices=Subject.choices)
    is_active = django_filters.BooleanFilter(label=_("在职 / in post"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Teacher
        fields = ["q", "school", "county", "subject", "is_active", "updated_since"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(id_number=normalize_id_number(value)))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Return the first instant of `day` in the portal's time zone (Beijing time)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class NationalIdDisclosureFilterSet(django_filters.FilterSet):
    """The log page's filters: a range of days, who looked, whose number, and where."""

    since = django_filters.DateFilter(
        label=_("起始日期"), method="filter_since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("截止日期"), method="filter_until", widget=forms.DateInput(attrs={"type": "date"})
    )
    viewer = django_filters.CharFilter(label=_("查看人（账号或姓名）"), method="filter_viewer")
    teacher = django_filters.CharFilter(
        label=_("教师（姓名或完整身份证号码）"), method="filter_teacher"
    )
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=DisclosureChannel.choices, empty_label=_("全部")
    )

    class Meta:
        model = NationalIdDisclosure
        fields = ["since", "until", "viewer", "teacher", "channel"]

    # Day bounds are instants, not `disclosed_at__date`, so the index on disclosed_at serves them.
    def filter_since(self, queryset, name, value):
        return queryset.filter(disclosed_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(disclosed_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_viewer(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.alias(viewer_name=Concat("viewer__last_name", "viewer__first_name")).filter(
            Q(viewer__username__icontains=value) | Q(viewer_name__contains=value)
        )

    def filter_teacher(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(teacher__name__contains=value) | Q(teacher__id_number=normalize_id_number(value))
        )
