"""API of the projects app: training projects and records, inside the jurisdiction."""

from core.api import RestrictedViewSet

from ..filtersets import TrainingProjectApiFilterSet, TrainingRecordApiFilterSet
from ..models import TrainingProject, TrainingRecord
from .serializers import TrainingProjectSerializer, TrainingRecordSerializer


class TrainingProjectViewSet(RestrictedViewSet):
    """培训项目 / Projects the caller may see (those issued above are shared down)."""

    queryset = TrainingProject.objects.all()
    serializer_class = TrainingProjectSerializer
    filterset_class = TrainingProjectApiFilterSet


class TrainingRecordViewSet(RestrictedViewSet):
    """培训记录 / Training records of the caller's teachers; push new ones with records/bulk/."""

    queryset = TrainingRecord.objects.select_related("project")
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordApiFilterSet
