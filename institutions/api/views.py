"""API of the institutions app: administrative units and schools, inside the jurisdiction."""

from core.api import PageNumberPagination, RestrictedViewSet

from ..filtersets import AdministrativeUnitFilterSet, SchoolFilterSet
from ..models import AdministrativeUnit, School
from .serializers import AdministrativeUnitSerializer, SchoolSerializer


class AdministrativeUnitViewSet(RestrictedViewSet):
    """行政区划 / Administrative units of the caller's jurisdiction."""

    queryset = AdministrativeUnit.objects.order_by("path", "pk")
    serializer_class = AdministrativeUnitSerializer
    filterset_class = AdministrativeUnitFilterSet
    pagination_class = PageNumberPagination
    ordering_fields = ["path", "code"]


class SchoolViewSet(RestrictedViewSet):
    """学校 / Schools of the caller's jurisdiction."""

    queryset = School.objects.select_related("county")
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilterSet
