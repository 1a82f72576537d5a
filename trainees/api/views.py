"""API of the trainees app: teachers, inside the jurisdiction, for incremental sync."""

from config.api import RestrictedViewSet, may_view_national_id

from ..filtersets import TeacherFilterSet
from ..models import Teacher
from .serializers import TeacherSerializer


class TeacherViewSet(RestrictedViewSet):
    """教师 / Teachers of the caller's jurisdiction; sync with cursor pages and updated_since."""

    queryset = Teacher.objects.select_related("school").prefetch_related("group_tags")
    serializer_class = TeacherSerializer
    filterset_class = TeacherFilterSet

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = context.get("request")
        context["may_view_national_id"] = request is not None and may_view_national_id(request)
        return context
