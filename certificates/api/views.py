"""API of the certificates app: issued e-certificates, inside the jurisdiction."""

from core.api import RestrictedViewSet

from ..models import Certificate
from .filtersets import CertificateFilterSet
from .serializers import CertificateSerializer


class CertificateViewSet(RestrictedViewSet):
    """电子证书 / E-certificates of the caller's teachers, every version."""

    queryset = Certificate.objects.select_related("number")
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
