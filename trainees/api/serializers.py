"""Serializers of teachers (output only; help texts 中文 / English)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import OutputModelSerializer

from ..models import Teacher
from ..national_id import mask_id_number

# The masked form (650102********1234) or the whole number; both are 18 characters.
ID_NUMBER_SCHEMA = {
    "type": "string",
    "minLength": 18,
    "maxLength": 18,
    "pattern": r"^[0-9]{6}([0-9]{8}|\*{8})[0-9]{3}[0-9X]$",
    "example": "650102********1234",
}


class TeacherSerializer(OutputModelSerializer):
    id_number = serializers.SerializerMethodField(
        help_text=(
            "身份证号码，默认隐去出生日期（650102********1234）；只有登记为“可获取完整身份证号码”"
            "的读写客户端收到完整号码，且每次都记入身份证号码查看记录 / national ID number, "
            "with the birth date masked (650102********1234) unless the API client is "
            "read-write and registered to receive whole numbers; each whole number sent is "
            "logged (who, whose, when)"
        )
    )
    is_id_number_masked = serializers.SerializerMethodField(
        help_text="id_number 是否已隐去出生日期 / whether id_number is masked"
    )
    county = serializers.IntegerField(
        source="school.county_id", read_only=True, help_text="县市区 ID / county id"
    )
    group_tags = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="教师群体标签代码 / group tags the policies use",
    )

    class Meta:
        model = Teacher
        fields = [
            "id",
            "name",
            "id_number",
            "is_id_number_masked",
            "gender",
            "school",
            "county",
            "subject",
            "hired_on",
            "career_stage",
            "group_tags",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "教师 ID / teacher id"},
            "name": {"help_text": "姓名 / name"},
            "gender": {"help_text": "性别 / gender"},
            "school": {"help_text": "任教学校 ID / school id"},
            "subject": {"help_text": "任教学科 / subject"},
            "hired_on": {"help_text": "入职日期 / hired on"},
            "career_stage": {"help_text": "发展阶段 / career stage"},
            "is_active": {"help_text": "在职 / in post"},
            "created_at": {"help_text": "创建时间 / created at"},
            "updated_at": {
                "help_text": "更新时间，用于增量同步 / updated at, for incremental sync"
            },
        }

    @extend_schema_field(ID_NUMBER_SCHEMA)
    def get_id_number(self, teacher) -> str:
        if self.context.get("may_view_national_id"):
            return teacher.id_number
        return mask_id_number(teacher.id_number)

    def get_is_id_number_masked(self, teacher) -> bool:
        return not self.context.get("may_view_national_id")
