"""API of the credits app: the credit simulator."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from core.api import ApiJSONParser
from credits.services import simulate_credits

DEFAULT_POLICY = "xinjiang-2024"
EXAMPLE = {
    "teacher": {"hired_on": "2024-09-01", "groups": ["class_teacher"]},
    "records": [
        {
            "id": "r1",
            "tier": "region",
            "mode": "centralized",
            "category": "compulsory_public",
            "hours": 40,
            "leave_hours": 0,
            "grade": "excellent",
            "role": "trainee",
            "date": "2025-03-01",
            "approved": True,
        }
    ],
}


# Requests a minute: anonymous callers (by address) and signed-in users (by account).
# SIMULATOR_RATES in the settings may change them, as the suite's schemathesis run does.
SIMULATOR_RATES = {"anon": "60/minute", "user": "600/minute"}


def _simulator_rate(kind: str) -> str:
    return {**SIMULATOR_RATES, **getattr(settings, "SIMULATOR_RATES", {})}[kind]


class SimulatorThrottle(AnonRateThrottle):
    def get_rate(self):
        return _simulator_rate("anon")


class SimulatorUserThrottle(UserRateThrottle):
    def get_rate(self):
        return _simulator_rate("user")


class SimulateApi(APIView):
    """Credit records under a policy without storing anything (学分试算)."""

    permission_classes = [AllowAny]
    throttle_classes = [SimulatorThrottle, SimulatorUserThrottle]
    parser_classes = [ApiJSONParser]

    class OutputSerializer(serializers.Serializer):
        policy = serializers.DictField(help_text="政策代码、版本、名称、计量单位 / the policy used")
        records = serializers.ListField(
            child=serializers.DictField(),
            help_text="每条记录的基础学分、加分、合计与计算说明 / per-record credits",
        )
        years = serializers.ListField(
            child=serializers.DictField(), help_text="各学年进度 / progress per school year"
        )
        cycle = serializers.DictField(help_text="周期进度 / progress over the cycle")

    @extend_schema(
        summary="学分试算 / Credit simulator",
        description=(
            "按学分政策试算培训记录的学分和周期、学年进度，与 `manage.py simulate_credits` "
            "的输入输出相同。政策代码由查询参数 `policy` 或请求体的 `policy` 字段给出，"
            "默认 xinjiang-2024。/ Same JSON in and out as the simulate_credits command."
        ),
        parameters=[
            OpenApiParameter(
                "policy",
                {"type": "string", "maxLength": 40, "pattern": "^[-A-Za-z0-9_]*$"},
                description="政策代码 / policy code (xinjiang-2024, tianjin-binhai-6, "
                "yicheng-2019, songjiang-13, henan-2021)",
            )
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: OutputSerializer},
        examples=[OpenApiExample("新疆示例 / Xinjiang example", value=EXAMPLE, request_only=True)],
    )
    def post(self, request):
        payload = request.data
        code = request.query_params.get("policy")
        if isinstance(payload, dict) and "policy" in payload:
            payload = dict(payload)
            in_body = payload.pop("policy")
            code = code or in_body  # not text: an unknown policy, quoted as JSON writes it
        return Response(simulate_credits(policy_code=code or DEFAULT_POLICY, payload=payload))
