"""Serializers of e-certificates (output only; help texts 中文 / English)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import OutputModelSerializer

from ..models import Certificate


class CertificateSerializer(OutputModelSerializer):
    number = serializers.CharField(
        source="number.number", read_only=True, help_text="9 位证书编号 / nine-digit number"
    )
    credits_by_category = serializers.SerializerMethodField(
        help_text=(
            "分类学分，按政策列出的顺序：[类别, 学分] 计入合计；第三项 part/offset/separate "
            "表示其中、折抵、单列，不计入合计 / credit lines in the policy's order: "
            "[label, credits] adds up to the total; a third element part/offset/separate "
            "marks a line that does not"
        )
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "teacher",
            "number",
            "kind",
            "period",
            "policy_code",
            "policy_version",
            "credits_by_category",
            "total_credits",
            "issuing_bureau",
            "issued_on",
            "teacher_name",
            "masked_id_number",
            "school_name",
            "version",
            "status",
            "superseded_by",
            "revoked_at",
            "revoke_reason",
            "pdf_sha256",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "证书 ID / certificate id"},
            "teacher": {"help_text": "教师 ID / teacher id"},
            "kind": {"help_text": "证书类型：周期证书或学年证明 / cycle certificate or year proof"},
            "period": {"help_text": "周期或学年，如 2024-2028 / cycle or school year"},
            "policy_code": {"help_text": "政策代码 / policy code"},
            "policy_version": {"help_text": "政策版本 / policy version"},
            "total_credits": {"help_text": "总学分 / total credits"},
            "issuing_bureau": {"help_text": "发证机关 / issuing bureau"},
            "issued_on": {"help_text": "发证日期 / issued on"},
            "teacher_name": {"help_text": "发证时的姓名 / name as issued"},
            "masked_id_number": {"help_text": "隐去中间的身份证号码 / masked ID number"},
            "school_name": {"help_text": "发证时的学校 / school as issued"},
            "version": {"help_text": "版本，更正后加一 / version, raised by each correction"},
            "status": {"help_text": "状态：有效、已被取代、已撤销 / issued, superseded, revoked"},
            "superseded_by": {"help_text": "更正后的版本 ID / id of the correcting version"},
            "revoked_at": {"help_text": "撤销时间 / revoked at"},
            "revoke_reason": {"help_text": "撤销原因 / why it was revoked"},
            "pdf_sha256": {"help_text": "证书 PDF 的 SHA-256 / SHA-256 of the PDF"},
            "created_at": {"help_text": "创建时间 / created at"},
            "updated_at": {
                "help_text": "更新时间，用于增量同步 / updated at, for incremental sync"
            },
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_credits_by_category(self, certificate):
        # [label, credits] for a category line; a third element names a line not summed
        # into the total: part (其中), offset (折抵), separate (单列).
        return [row.stored() for row in certificate.credit_rows]
