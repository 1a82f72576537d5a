"""API commands of the approving officer: withdraw or correct an approved record's credits.

A provincial platform acts as its client's officer account, so the same rules hold as on the
record's page: only the approving level of the record's county (004 五(三)), a reason is
required, the ledger posts reversals and never edits, and the teacher is told.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.api import ApiView, ErrorSerializer
from projects.choices import Grade, RecordRole
from projects.models import TrainingRecord

from ..errors import RecordsNotCorrectable
from ..selectors import correctable_record, net_credits_of
from ..services import correct_credits, withdraw_credits

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    429: ErrorSerializer,
}


@extend_schema_serializer(component_name="RecordCorrectionResult")
class CorrectionOutput(serializers.Serializer):
    record = serializers.IntegerField(help_text="记录 id / record id")
    status = serializers.CharField(help_text="记录状态 / the record's status now")
    credits_before = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="更正前的学分 / credits before"
    )
    credits_after = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="更正后的学分 / credits now"
    )


def _record(request, pk: int) -> TrainingRecord:
    record = correctable_record(request.user, pk)
    if record is None:
        raise Http404
    if record.status != "approved":
        raise RecordsNotCorrectable(count=1)
    return record


class RecordWithdrawApi(ApiView):
    """撤销认定 / withdraw the credits of an approved record (it goes back to the school)."""

    permission_model = TrainingRecord
    permission_action = "approve"

    @extend_schema_serializer(component_name="RecordWithdrawal")
    class InputSerializer(serializers.Serializer):
        reason = serializers.RegexField(
            r"\S",
            max_length=200,
            help_text="撤销原因，记入台账并告知教师 / the reason, kept and told to the teacher",
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: CorrectionOutput, **ERRORS},
        summary="撤销认定 / withdraw credits",
    )
    def post(self, request, pk: int):
        record = _record(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        before = net_credits_of(record)
        withdraw_credits(
            by=request.user, record_ids=[record.pk], reason=data.validated_data["reason"]
        )
        record.refresh_from_db(fields=["status"])
        return Response(
            CorrectionOutput(
                {
                    "record": record.pk,
                    "status": record.status,
                    "credits_before": before,
                    "credits_after": 0,
                }
            ).data
        )


class RecordCorrectApi(ApiView):
    """更正认定 / correct an approved record: its credits are reversed and posted again."""

    permission_model = TrainingRecord
    permission_action = "approve"

    @extend_schema_serializer(component_name="RecordCorrection")
    class InputSerializer(serializers.Serializer):
        reason = serializers.RegexField(
            r"\S",
            max_length=200,
            help_text="更正原因，记入台账并告知教师 / the reason, kept and told to the teacher",
        )
        hours = serializers.DecimalField(
            max_digits=6,
            decimal_places=1,
            min_value=0,
            required=False,
            help_text="参训学时 / class hours attended",
        )
        leave_hours = serializers.DecimalField(
            max_digits=6,
            decimal_places=1,
            min_value=0,
            required=False,
            help_text="请假学时 / hours of leave",
        )
        grade = serializers.ChoiceField(
            choices=[("", "尚未考核"), *Grade.choices],
            required=False,
            help_text="考核等次 / grade",
        )
        role = serializers.ChoiceField(
            choices=RecordRole.choices, required=False, help_text="参训身份 / role"
        )
        completed_on = serializers.DateField(
            required=False, help_text="完成日期 YYYY-MM-DD / completion date"
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: CorrectionOutput, **ERRORS},
        summary="更正认定 / correct credits",
        description="只填要更正的字段 / send only the fields to correct",
    )
    def post(self, request, pk: int):
        record = _record(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        result = correct_credits(by=request.user, record_id=record.pk, reason=reason, **values)
        return Response(
            CorrectionOutput(
                {
                    "record": record.pk,
                    "status": "approved",
                    "credits_before": result.credits_before,
                    "credits_after": result.credits_after,
                }
            ).data
        )
