"""Serializers of training projects and records (output only; help texts 中文 / English)."""

from rest_framework import serializers

from core.api import OutputModelSerializer

from ..models import TrainingProject, TrainingRecord


class TrainingProjectSerializer(OutputModelSerializer):
    class Meta:
        model = TrainingProject
        fields = [
            "id",
            "code",
            "name",
            "tier",
            "kind",
            "issuing_unit",
            "school",
            "institution",
            "mode",
            "category",
            "hours",
            "starts_on",
            "ends_on",
            "review_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "培训项目 ID / project id"},
            "code": {
                "help_text": "项目编号，批量推送时用它指明项目 / project code, used in bulk pushes"
            },
            "name": {"help_text": "项目名称 / name"},
            "tier": {"help_text": "项目级别（以发文单位级别为准） / tier of the issuing unit"},
            "kind": {"help_text": "项目类型：培训或学历提升 / training or degree"},
            "issuing_unit": {"help_text": "发文单位 ID，国家级为空 / issuing unit id"},
            "school": {"help_text": "组织学校 ID（校级项目） / organising school id"},
            "institution": {"help_text": "承训单位 ID / training institution id"},
            "mode": {"help_text": "培训形式 / mode"},
            "category": {"help_text": "课程类别 / course category"},
            "hours": {"help_text": "计划学时 / planned hours"},
            "starts_on": {"help_text": "开始日期 / starts on"},
            "ends_on": {"help_text": "结束日期 / ends on"},
            "review_status": {
                "help_text": "审核状态，只有已通过的项目可登记学分 / review status (approved earns credits)"
            },
            "created_at": {"help_text": "创建时间 / created at"},
            "updated_at": {
                "help_text": "更新时间，用于增量同步 / updated at, for incremental sync"
            },
        }


class TrainingRecordSerializer(OutputModelSerializer):
    project_code = serializers.CharField(
        source="project.code", read_only=True, help_text="项目编号 / project code"
    )

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "teacher",
            "project",
            "project_code",
            "hours",
            "leave_hours",
            "grade",
            "role",
            "completed_on",
            "status",
            "reject_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "培训记录 ID / record id"},
            "teacher": {"help_text": "教师 ID / teacher id"},
            "project": {"help_text": "培训项目 ID / project id"},
            "hours": {"help_text": "参训学时 / hours attended"},
            "leave_hours": {"help_text": "请假学时 / hours of leave"},
            "grade": {"help_text": "考核等次，空为尚未考核 / grade, blank until graded"},
            "role": {"help_text": "参训身份：学员或主讲教师 / trainee or lead instructor"},
            "completed_on": {"help_text": "完成日期 / completed on"},
            "status": {"help_text": "状态：待申报、已申报、已认定、已退回 / status"},
            "reject_reason": {"help_text": "退回原因 / why it was sent back"},
            "created_at": {"help_text": "创建时间 / created at"},
            "updated_at": {
                "help_text": "更新时间，用于增量同步 / updated at, for incremental sync"
            },
        }
