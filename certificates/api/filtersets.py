"""FilterSet of e-certificates for the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from institutions.filtersets import UpdatedSinceFilter

from ..models import Certificate, CertificateKind, CertificateStatus


class CertificateFilterSet(django_filters.FilterSet):
    teacher = django_filters.NumberFilter(label=_("教师 ID / teacher id"))
    kind = django_filters.ChoiceFilter(label=_("证书类型 / kind"), choices=CertificateKind.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态 / status"), choices=CertificateStatus.choices
    )
    period = django_filters.CharFilter(label=_("周期或学年 / cycle or school year"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Certificate
        fields = ["teacher", "kind", "status", "period", "updated_since"]
