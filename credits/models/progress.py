"""Where every teacher stands, recomputed by the nightly audit from the ledger."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import CountySummaryQuerySet, CycleProgressQuerySet

__all__ = ["CountySummary", "CycleProgress", "ProgressStatus", "SchoolYearProgress"]


class ProgressStatus(models.TextChoices):
    """Where a teacher stands in the cycle (docs/operations.md explains the thresholds)."""

    COMPLETE = "complete", _("已完成")
    ON_TRACK = "on_track", _("进度正常")
    AT_RISK = "at_risk", _("有风险")
    BEHIND = "behind", _("落后")


class CycleProgress(models.Model):
    """One teacher's standing in one policy cycle, as of the last audit.

    Amounts are by requirement-row key (total, compulsory, elective …) in the policy's unit.
    A cache of the ledger: it can always be recomputed, and the audit does so every night.
    """

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.CASCADE,
        related_name="cycle_progress",
        verbose_name=_("教师"),
    )
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    policy_version = models.PositiveIntegerField(_("政策版本"))
    cycle_start = models.DateField(_("周期开始"))
    cycle_end = models.DateField(_("周期结束"))
    as_of = models.DateField(_("截至日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ProgressStatus.choices)
    is_new_teacher = models.BooleanField(_("新任教师"), default=False)
    counted_total = models.DecimalField(_("已计学分"), max_digits=9, decimal_places=2)
    required_total = models.DecimalField(_("应修学分"), max_digits=9, decimal_places=2)
    earned = models.JSONField(_("已获"), default=dict)
    counted = models.JSONField(_("计入（含折抵）"), default=dict)
    required = models.JSONField(_("要求"), default=dict)
    shortfall = models.JSONField(_("差额"), default=dict)
    offset = models.JSONField(_("折抵"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = CycleProgressQuerySet.as_manager()

    class Meta:
        ordering = ("teacher", "policy_code", "cycle_start", "pk")
        verbose_name = verbose_name_plural = _("周期进度")
        constraints = [
            models.UniqueConstraint(
                fields=("teacher", "policy_code", "cycle_start"),
                name="%(app_label)s_%(class)s_one_per_teacher_cycle",
            )
        ]
        indexes = [models.Index(fields=["status", "policy_code"], name="progress_status_idx")]

    def __str__(self):
        return f"{self.teacher_id} · {self.policy_code} · {self.get_status_display()}"


class SchoolYearProgress(models.Model):
    """One teacher's standing in one school year of a cycle (每学年 18 学分)."""

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.CASCADE,
        related_name="year_progress",
        verbose_name=_("教师"),
    )
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    school_year = models.CharField(_("学年"), max_length=9)
    is_owed = models.BooleanField(_("应修"), default=True)
    is_complete = models.BooleanField(_("已完成"), default=False)
    earned = models.JSONField(_("已获"), default=dict)
    counted = models.JSONField(_("计入（含折抵）"), default=dict)
    required = models.JSONField(_("要求"), default=dict)
    shortfall = models.JSONField(_("差额"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = CycleProgressQuerySet.as_manager()

    class Meta:
        ordering = ("teacher", "policy_code", "school_year", "pk")
        verbose_name = verbose_name_plural = _("学年进度")
        constraints = [
            models.UniqueConstraint(
                fields=("teacher", "policy_code", "school_year"),
                name="%(app_label)s_%(class)s_one_per_teacher_year",
            )
        ]

    def __str__(self):
        return f"{self.teacher_id} · {self.school_year}"


class CountySummary(models.Model):
    """Teachers of one county by progress status, kept by the audit for the dashboards."""

    county = models.ForeignKey(
        "institutions.AdministrativeUnit",
        on_delete=models.CASCADE,
        related_name="progress_summaries",
        verbose_name=_("县市区"),
    )
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    as_of = models.DateField(_("截至日期"))
    teachers = models.PositiveIntegerField(_("教师数"))
    complete = models.PositiveIntegerField(_("已完成"))
    on_track = models.PositiveIntegerField(_("进度正常"))
    at_risk = models.PositiveIntegerField(_("有风险"))
    behind = models.PositiveIntegerField(_("落后"))
    anomalies = models.PositiveIntegerField(_("待核查异常"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = CountySummaryQuerySet.as_manager()

    class Meta:
        ordering = ("county", "policy_code", "pk")
        verbose_name = verbose_name_plural = _("县级进度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=("county", "policy_code"), name="%(app_label)s_%(class)s_one_per_county"
            )
        ]

    def __str__(self):
        return f"{self.county_id} · {self.policy_code}"
