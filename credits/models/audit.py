"""What the nightly audit records: its runs, and anomalies for the county to review."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ..querysets import AuditAnomalyQuerySet

__all__ = ["AnomalyKind", "AuditAnomaly", "AuditRun", "StaleProgress"]


class AuditRun(models.Model):
    """One run of the audit over many counties; counties report in as they finish.

    A run ends finished, or failed when a county gave up after its retries or the run went
    quiet for AUDIT_RUN_TIMEOUT_MINUTES; the next run completes what a failed one left.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        FINISHED = "finished", _("已完成")
        FAILED = "failed", _("未完成")

    as_of = models.DateField(_("截至日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default="running")
    counties_total = models.PositiveIntegerField(_("县市区数"), default=0)
    counties_done = models.PositiveIntegerField(_("已完成县市区"), default=0)
    teachers = models.PositiveIntegerField(_("教师数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ("-started_at", "pk")
        verbose_name = verbose_name_plural = _("核查运行记录")

    def __str__(self):
        return f"{self.as_of} · {self.get_status_display()}"


class AnomalyKind(models.TextChoices):
    OVERLAP = "overlap", _("培训时间重叠")
    HOURS_PER_DAY = "hours_per_day", _("日学时超过上限")
    DUPLICATE_CLAIM = "duplicate_claim", _("同一培训重复登记")
    OUTSIDE_DATES = "outside_dates", _("完成日期不在项目时间内")


class AuditAnomaly(models.Model):
    """Something spreadsheets never catch, listed for the county to review, never dropped."""

    county = models.ForeignKey(
        "institutions.AdministrativeUnit",
        on_delete=models.CASCADE,
        related_name="audit_anomalies",
        verbose_name=_("县市区"),
    )
    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.CASCADE,
        related_name="audit_anomalies",
        verbose_name=_("教师"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AnomalyKind.choices)
    key = models.CharField(_("标识"), max_length=120, unique=True)
    record_ids = models.JSONField(_("涉及记录"), default=list)
    detail = models.CharField(_("说明"), max_length=300)
    found_at = models.DateTimeField(_("发现时间"))
    last_seen_at = models.DateTimeField(_("最近核查时间"))
    is_resolved = models.BooleanField(_("已处理"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = AuditAnomalyQuerySet.as_manager()

    class Meta:
        ordering = ("county", "is_resolved", "-found_at", "pk")
        verbose_name = verbose_name_plural = _("核查异常")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.detail}"


class StaleProgress(models.Model):
    """A teacher whose stored progress and anomalies may no longer match their data.

    Rows are written by PostgreSQL triggers (migration 0010) in the same transaction as the
    change — a ledger posting or reversal, a training record, the teacher's hire date, school,
    groups or active flag, the school's development-school flag, a project's dates or mode —
    whatever wrote it (a form, the Excel import, the API, a bulk update, raw SQL). The nightly
    audit recomputes only these teachers (plus the date-driven changes it finds itself) and then
    deletes exactly the rows it read: a row committed while the audit ran stays for the next
    night, so nothing is missed (docs/operations.md, "Incremental nightly audit").
    """

    id = models.BigAutoField(primary_key=True)
    # No database constraint: a trigger may mark a teacher while the same transaction deletes
    # them (their group tags go first), and a deferred foreign key would then fail the delete.
    # Marks of teachers who no longer exist are dropped by the nightly run (purge_orphan_marks).
    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("教师"),
    )
    marked_at = models.DateTimeField(_("标记时间"), auto_now_add=True, db_default=Now())

    class Meta:
        verbose_name = verbose_name_plural = _("待重算的教师进度")

    def __str__(self):
        return f"{self.teacher_id} · {self.marked_at:%Y-%m-%d %H:%M}"
