"""API of the trainees app: teachers, inside the jurisdiction, for incremental sync."""

from core.addresses import client_address
from core.api import RestrictedViewSet
from core.api_callers import client_of

from ..choices import DisclosureChannel
from ..filtersets import TeacherFilterSet
from ..models import Teacher
from ..selectors import api_client_receives_national_ids
from ..services import record_national_id_disclosures
from .serializers import TeacherSerializer


class TeacherViewSet(RestrictedViewSet):
    """教师 / Teachers of the caller's jurisdiction; sync with cursor pages and updated_since.

    ID numbers are masked unless the client is registered to receive them whole; every whole
    number sent is logged, one row per teacher and one INSERT per answer.
    """

    queryset = Teacher.objects.select_related("school").prefetch_related("group_tags")
    serializer_class = TeacherSerializer
    filterset_class = TeacherFilterSet

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = context.get("request")
        context["may_view_national_id"] = request is not None and (
            api_client_receives_national_ids(user=request.user, client=client_of(request))
        )
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._log_whole_numbers(request, response.data.get("results", ()))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log_whole_numbers(request, [response.data])
        return response

    def _log_whole_numbers(self, request, rows) -> None:
        teacher_ids = [row["id"] for row in rows if not row["is_id_number_masked"]]
        if teacher_ids:
            record_national_id_disclosures(
                teacher_ids=teacher_ids,
                by=request.user,
                channel=DisclosureChannel.API,
                api_client=client_of(request),
                path=request.path,
                address=client_address(request),
            )
