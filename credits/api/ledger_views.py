"""API of the credits app: the credit ledger, audited progress, and one teacher's progress."""

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import ApiView, ErrorSerializer, RestrictedViewSet
from core.api_queries import INT64_MAX
from trainees.models import Teacher

from ..filtersets import (
    CreditLedgerEntryFilterSet,
    CycleProgressFilterSet,
    SchoolYearProgressFilterSet,
)
from ..models import CreditLedgerEntry, CycleProgress, SchoolYearProgress
from .selectors import AUDIT, LIVE, ProgressAnswer, rendered_progress_of_teacher
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
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(ErrorSerializer, description="不在管辖范围内"),
        },
    )
    def get(self, request, pk: int):
        if pk > INT64_MAX:  # no such id; the prepared statement would refuse the number
            raise Http404
        try:
            body = rendered_progress_of_teacher(
                user=request.user, teacher_id=pk, as_of=timezone.localdate(), render=self.render
            )
        except Teacher.DoesNotExist:
            raise Http404 from None
        # The JSON is usually rendered already: sent as is, unless the browsable API was asked.
        if request.accepted_renderer.format == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))

    @classmethod
    def render(cls, answer: ProgressAnswer) -> bytes:
        """Return the answer as DRF would render `OutputSerializer(answer).data`.

        Without building the output serializer and its nested list serializers per answer,
        which costs more than rendering the rows (tests/api/test_fast_rendering.py compares).
        """
        cycle, year = cls._row_serializers()
        data = {
            "teacher": answer.teacher,
            "source": answer.source,
            "cycles": [cycle.to_representation(row) for row in answer.cycles],
            "years": [year.to_representation(row) for row in answer.years],
        }
        return JSONRenderer().render(data)

    @classmethod
    def _row_serializers(cls):
        # Built once: OutputModelSerializer renders a row from its class's plan and keeps no
        # state of its own, so one instance serves every request and thread.
        if "_rows" not in cls.__dict__:
            cls._rows = (CycleProgressSerializer(), SchoolYearProgressSerializer())
        return cls._rows
