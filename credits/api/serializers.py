"""Serializers of the credit ledger and progress (output only; help texts 中文 / English)."""

from rest_framework import serializers

from core.api import OutputModelSerializer

from ..models import CreditLedgerEntry, CycleProgress, SchoolYearProgress

AMOUNTS = "按要求代码（total、compulsory…）的数额 / amounts by requirement key"


class AmountsField(serializers.JSONField):
    """Amounts by requirement key as exact decimal strings: {"total": "36.50", …}."""

    def to_representation(self, value):
        return {key: str(amount) for key, amount in value.items()}


def _amounts(label: str) -> AmountsField:
    return AmountsField(read_only=True, help_text=label + AMOUNTS)


class CreditLedgerEntrySerializer(OutputModelSerializer):
    policy_code = serializers.CharField(
        source="policy.code", read_only=True, help_text="政策代码 / policy code"
    )
    policy_version = serializers.IntegerField(
        source="policy.version", read_only=True, help_text="政策版本 / policy version"
    )

    class Meta:
        model = CreditLedgerEntry
        fields = [
            "id",
            "teacher",
            "record",
            "policy_code",
            "policy_version",
            "entry_type",
            "reverses",
            "occurred_on",
            "school_year",
            "category",
            "effective_hours",
            "base",
            "bonus",
            "credits",
            "bonus_rate",
            "explanation",
            "posted_at",
            "reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "分录 ID / entry id"},
            "teacher": {"help_text": "教师 ID / teacher id"},
            "record": {"help_text": "培训记录 ID / training record id"},
            "entry_type": {"help_text": "认定或冲销 / posting or reversal"},
            "reverses": {"help_text": "冲销的分录 ID / id of the entry reversed"},
            "occurred_on": {"help_text": "完成日期 / completed on"},
            "school_year": {"help_text": "学年 / school year"},
            "category": {"help_text": "课程类别 / course category"},
            "effective_hours": {"help_text": "有效学时（扣除请假） / hours less leave"},
            "base": {"help_text": "基础学分 / base credits"},
            "bonus": {"help_text": "加分 / bonus credits"},
            "credits": {"help_text": "学分 = 基础学分 + 加分 / credits = base + bonus"},
            "bonus_rate": {"help_text": "加分比例 / bonus rate"},
            "explanation": {"help_text": "计算说明 / how the credits were computed"},
            "posted_at": {"help_text": "认定时间，用于增量同步 / posted at, for incremental sync"},
            "reason": {"help_text": "说明 / note"},
        }


class CycleProgressSerializer(OutputModelSerializer):
    earned = _amounts("已获 ")
    counted = _amounts("计入（含折抵）")
    required = _amounts("要求 ")
    shortfall = _amounts("差额 ")
    offset = _amounts("折抵 ")

    class Meta:
        model = CycleProgress
        fields = [
            "id",
            "teacher",
            "policy_code",
            "policy_version",
            "cycle_start",
            "cycle_end",
            "as_of",
            "status",
            "is_new_teacher",
            "counted_total",
            "required_total",
            "earned",
            "counted",
            "required",
            "shortfall",
            "offset",
            "computed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "周期进度 ID，现算时为空 / row id, null when computed live"},
            "teacher": {"help_text": "教师 ID / teacher id"},
            "policy_code": {"help_text": "政策代码 / policy code"},
            "policy_version": {"help_text": "政策版本 / policy version"},
            "cycle_start": {"help_text": "周期开始 / cycle start"},
            "cycle_end": {"help_text": "周期结束 / cycle end"},
            "as_of": {
                "help_text": "核查日期：这些数字最近一次变化的夜间核查日期 / "
                "date of the nightly audit that last changed these figures"
            },
            "status": {"help_text": "已完成、进度正常、有风险、落后 / progress status"},
            "is_new_teacher": {"help_text": "新任教师 / new teacher in this cycle"},
            "counted_total": {"help_text": "已计学分（含折抵） / credits counted"},
            "required_total": {"help_text": "应修学分 / credits required"},
            "computed_at": {
                "help_text": "计算时间，用于增量同步 / computed at, for incremental sync"
            },
        }


class SchoolYearProgressSerializer(OutputModelSerializer):
    earned = _amounts("已获 ")
    counted = _amounts("计入（含折抵）")
    required = _amounts("要求 ")
    shortfall = _amounts("差额 ")

    class Meta:
        model = SchoolYearProgress
        fields = [
            "id",
            "teacher",
            "policy_code",
            "school_year",
            "is_owed",
            "is_complete",
            "earned",
            "counted",
            "required",
            "shortfall",
            "computed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "学年进度 ID，现算时为空 / row id, null when computed live"},
            "teacher": {"help_text": "教师 ID / teacher id"},
            "policy_code": {"help_text": "政策代码 / policy code"},
            "school_year": {"help_text": "学年 / school year"},
            "is_owed": {"help_text": "该学年应修 / credits are owed this year"},
            "is_complete": {"help_text": "已完成 / complete"},
            "computed_at": {
                "help_text": "计算时间，用于增量同步 / computed at, for incremental sync"
            },
        }
