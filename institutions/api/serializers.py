"""Serializers of administrative units and schools (output only; help texts 中文 / English)."""

from rest_framework import serializers

from core.api import OutputModelSerializer

from ..models import AdministrativeUnit, School


class AdministrativeUnitSerializer(OutputModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "level", "parent", "path", "certificate_code"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "行政区划 ID / unit id"},
            "code": {"help_text": "6 位行政区划代码 / six-digit division code"},
            "name": {"help_text": "名称 / name"},
            "level": {
                "help_text": "级别：省级、地州市、县市区 / level: region, prefecture, county"
            },
            "parent": {"help_text": "上级单位 ID，省级为空 / parent unit id, null for the region"},
            "path": {"help_text": "自省级起的代码路径 / codes from the region down"},
            "certificate_code": {
                "help_text": "证书编号中的 2 位代码 / two-digit code in certificate numbers"
            },
        }


class SchoolSerializer(OutputModelSerializer):
    county_code = serializers.CharField(
        source="county.code", read_only=True, help_text="县市区代码 / county code"
    )

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "county",
            "county_code",
            "school_type",
            "ownership",
            "is_directly_affiliated",
            "is_teacher_development_school",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "学校 ID / school id"},
            "code": {"help_text": "10 位学校标识码 / ten-digit school code"},
            "name": {"help_text": "学校名称 / school name"},
            "county": {"help_text": "所属县市区 ID / county id"},
            "school_type": {
                "help_text": "学校类型（证书编号中的 T） / school type (T in certificate numbers)"
            },
            "ownership": {"help_text": "办学性质：公办、民办 / public or private"},
            "is_directly_affiliated": {
                "help_text": "部门或高校附属 / run by a department or university"
            },
            "is_teacher_development_school": {
                "help_text": "教师专业发展学校 / teacher development school"
            },
            "created_at": {"help_text": "创建时间 / created at"},
            "updated_at": {
                "help_text": "更新时间，用于增量同步 / updated at, for incremental sync"
            },
        }
