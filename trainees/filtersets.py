"""FilterSets of teachers, shared by pages, the API and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.filtersets import UpdatedSinceFilter

from .choices import Subject
from .models import Teacher
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
