"""Training projects and the records of teachers attending them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    Category,
    Grade,
    Mode,
    ProjectKind,
    RecordRole,
    RecordStatus,
    ReviewStatus,
    Tier,
)
from .querysets import TrainingProjectQuerySet, TrainingRecordQuerySet

__all__ = ["TrainingProject", "TrainingRecord"]


class TrainingProject(models.Model):
    """A training project (培训项目) issued by a bureau or school and delivered by an institution."""

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    tier = models.CharField(_("项目级别"), max_length=16, choices=Tier.choices)
    kind = models.CharField(
        _("项目类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.TRAINING
    )
    issuing_unit = models.ForeignKey(
        "institutions.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_projects",
        verbose_name=_("发文单位"),
        help_text=_("国家级项目可不填；校级项目填学校所在县市区。"),
    )
    school = models.ForeignKey(
        "institutions.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school_based_projects",
        verbose_name=_("组织学校"),
    )
    institution = models.ForeignKey(
        "institutions.TrainingInstitution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("承训单位"),
    )
    mode = models.CharField(_("培训形式"), max_length=16, choices=Mode.choices)
    category = models.CharField(_("课程类别"), max_length=32, choices=Category.choices)
    hours = models.DecimalField(_("计划学时"), max_digits=6, decimal_places=1)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    review_status = models.CharField(
        _("审核状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = TrainingProjectQuerySet.as_manager()

    class Meta:
        ordering = ("-starts_on", "code", "pk")
        verbose_name = verbose_name_plural = _("培训项目")
        permissions = [("review_trainingproject", _("可审核培训项目"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="%(app_label)s_%(class)s_hours_positive",
                violation_error_message=_("计划学时必须大于0。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(tier=Tier.NATIONAL) | Q(issuing_unit__isnull=False),
                name="%(app_label)s_%(class)s_issuing_unit_below_national",
                violation_error_message=_("除国家级项目外，必须填写发文单位。"),
            ),
            models.CheckConstraint(
                condition=~Q(tier=Tier.SCHOOL) | Q(school__isnull=False),
                name="%(app_label)s_%(class)s_school_tier_has_school",
                violation_error_message=_("校级项目必须指定组织学校。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.review_status == ReviewStatus.APPROVED


class TrainingRecord(models.Model):
    """One teacher's attendance at one training project, as declared by the school."""

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.PROTECT,
        related_name="training_records",
        verbose_name=_("教师"),
    )
    project = models.ForeignKey(
        TrainingProject,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("培训项目"),
    )
    hours = models.DecimalField(_("参训学时"), max_digits=6, decimal_places=1)
    leave_hours = models.DecimalField(_("请假学时"), max_digits=6, decimal_places=1, default=0)
    grade = models.CharField(_("考核等次"), max_length=16, choices=Grade.choices, blank=True)
    role = models.CharField(
        _("参训身份"), max_length=16, choices=RecordRole.choices, default=RecordRole.TRAINEE
    )
    completed_on = models.DateField(_("完成日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    reject_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ("project", "teacher", "pk")
        verbose_name = verbose_name_plural = _("培训记录")
        permissions = [
            ("declare_trainingrecord", _("可申报培训记录")),
            ("approve_trainingrecord", _("可审核认定培训记录")),
            ("grade_trainingrecord", _("可录入考核等次")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("teacher", "project"),
                name="%(app_label)s_%(class)s_unique_teacher_project",
                violation_error_message=_("该教师已登记过此培训项目，不能重复登记。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="%(app_label)s_%(class)s_hours_not_negative",
                violation_error_message=_("参训学时不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(leave_hours__gte=0),
                name="%(app_label)s_%(class)s_leave_not_negative",
                violation_error_message=_("请假学时不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(leave_hours__lte=F("hours")),
                name="%(app_label)s_%(class)s_leave_within_hours",
                violation_error_message=_("请假学时不能超过参训学时。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "completed_on"], name="record_status_date_idx")]

    def __str__(self):
        return f"{self.teacher} · {self.project}"

    @property
    def effective_hours(self):
        """Return the hours that count: attended hours less leave (004 五(三) 请假的需扣除)."""
        return self.hours - self.leave_hours
