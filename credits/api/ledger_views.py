"""API of the credits app: the credit ledger, audited progress, and one teacher's progress."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from config.api import ApiView, RestrictedViewSet
from trainees.models import Teacher

from ..filtersets import (
    CreditLedgerEntryFilterSet,
    CycleProgressFilterSet,
    SchoolYearProgressFilterSet,
)
from ..models import CreditLedgerEntry, CycleProgress, SchoolYearProgress
from .selectors import AUDIT, LIVE, progress_of_teacher
from .serializers import (
    CreditLedgerEntrySerializer,
    CycleProgressSerializer,
    SchoolYearProgressSerializer,
)


class CreditLedgerEntryViewSet(RestrictedViewSet):
    """学分台账 / Credit ledger entries (append-only), synced by posted_at."""

    queryset = CreditLedgerEntry.objects.select_related("policy")
    serializer_class = CreditLedgerEntrySerializer
    filterset_class = CreditLedgerEntryFilterSet
    sync_field = "posted_at"
    ordering_fields = ["posted_at"]


class CycleProgressViewSet(RestrictedViewSet):
    """周期进度 / Cycle progress rows kept by the nightly audit, synced by computed_at."""

    queryset = CycleProgress.objects.all()
    serializer_class = CycleProgressSerializer
    filterset_class = CycleProgressFilterSet
    sync_field = "computed_at"
    ordering_fields = ["computed_at"]


class SchoolYearProgressViewSet(RestrictedViewSet):
    """学年进度 / School-year progress rows kept by the nightly audit, synced by computed_at."""

    queryset = SchoolYearProgress.objects.all()
    serializer_class = SchoolYearProgressSerializer
    filterset_class = SchoolYearProgressFilterSet
    sync_field = "computed_at"
    ordering_fields = ["computed_at"]


class TeacherProgressApi(ApiView):
    """One teacher's cycle and school-year progress (教师学分进度)."""

    permission_model = CycleProgress

    @extend_schema_serializer(component_name="TeacherProgress")
    class OutputSerializer(serializers.Serializer):
        teacher = serializers.IntegerField(help_text="教师 ID / teacher id")
        source = serializers.ChoiceField(
            choices=[AUDIT, LIVE],
            help_text="audit：夜间核查保存的进度；live：尚未核查，按台账现算 "
            "/ audit: rows kept by the nightly audit; live: computed now from the ledger",
        )
        cycles = CycleProgressSerializer(many=True, help_text="周期进度 / cycle progress")
        years = SchoolYearProgressSerializer(many=True, help_text="学年进度 / yearly progress")

    @extend_schema(
        summary="教师学分进度 / A teacher's progress",
        description=(
            "返回夜间核查保存的周期进度和学年进度；若该教师尚未核查，则按学分台账现算，"
            "`source` 为 `live`。/ The audited cycle and school-year rows; computed live "
            "from the ledger when the audit has not run yet (`source` = `live`)."
        ),
        responses={200: OutputSerializer, 404: OpenApiResponse(description="不在管辖范围内")},
    )
    def get(self, request, pk: int):
        try:
            answer = progress_of_teacher(user=request.user, teacher_id=pk, on=timezone.localdate())
        except Teacher.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(answer).data)
