"""Where every teacher stands, recomputed by the nightly audit from the ledger."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import DecimalListField, TextListField

from ..querysets import CountySummaryQuerySet, CycleProgressQuerySet, ProgressSummaryQuerySet

__all__ = [
    "CountySummary",
    "CycleProgress",
    "ProgressStatus",
    "ProgressSummary",
    "SchoolYearProgress",
    "row_amounts",
]

ZERO = Decimal(0)


def row_amounts(keys, section) -> dict:
    """Return the stored columns for a rule-engine section (cycle or year) over row `keys`.

    `keys` are the policy's requirement-row keys of the scope, in the policy's order; a row the
    teacher does not owe (or, for `required`, a year not owed) is None.
    """
    keys = list(keys)
    return {
        "row_keys": keys,
        "earned_by_row": [section.earned.get(key) for key in keys],
        "counted_by_row": [section.counted.get(key) for key in keys],
        "required_by_row": [section.required.get(key) for key in keys],
    }


class RowAmounts(models.Model):
    """Amounts per requirement row, stored as three arrays aligned with `row_keys`.

    Arrays, not JSON objects: building JSON in the database cost more than the rest of the
    nightly audit together (docs/benchmarks.md). Shortfall and offset follow from them: a
    shortfall is what the minimum asks beyond what counts, and an offset is what a row counts
    beyond what it earned (004 五(一) 必修课程学分超出的，可折抵选修课程和校本课程学分).
    """

    row_keys = TextListField(_("要求代码"), default=list)
    earned_by_row = DecimalListField(_("已获"), default=list)
    counted_by_row = DecimalListField(_("计入（含折抵）"), default=list)
    required_by_row = DecimalListField(_("要求"), default=list)

    class Meta:
        abstract = True

    def _by_key(self, values) -> dict[str, Decimal]:
        return {key: v for key, v in zip(self.row_keys, values, strict=True) if v is not None}

    @property
    def earned(self) -> dict[str, Decimal]:
        return self._by_key(self.earned_by_row)

    @property
    def counted(self) -> dict[str, Decimal]:
        return self._by_key(self.counted_by_row)

    @property
    def required(self) -> dict[str, Decimal]:
        return self._by_key(self.required_by_row)

    @property
    def shortfall(self) -> dict[str, Decimal]:
        counted = self.counted
        return {key: max(ZERO, r - counted.get(key, ZERO)) for key, r in self.required.items()}

    @property
    def offset(self) -> dict[str, Decimal]:
        earned = self.earned
        return {
            key: c - earned[key] for key, c in self.counted.items() if c - earned.get(key, c) > 0
        }


class ProgressStatus(models.TextChoices):
    """Where a teacher stands in the cycle (docs/operations.md explains the thresholds)."""

    COMPLETE = "complete", _("已完成")
    ON_TRACK = "on_track", _("进度正常")
    AT_RISK = "at_risk", _("有风险")
    BEHIND = "behind", _("落后")


class CycleProgress(RowAmounts):
    """One teacher's standing in one policy cycle, as of the last audit.

    Amounts are by requirement-row key (total, compulsory, elective …) in the policy's unit.
    A cache of the ledger: it can always be recomputed, and the audit does so every night.
    """

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.CASCADE,
        related_name="cycle_progress",
        verbose_name=_("教师"),
        db_index=False,  # the unique (teacher, policy, cycle) index serves lookups by teacher
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


class SchoolYearProgress(RowAmounts):
    """One teacher's standing in one school year of a cycle (每学年 18 学分)."""

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.CASCADE,
        related_name="year_progress",
        verbose_name=_("教师"),
        db_index=False,  # the unique (teacher, policy, year) index serves lookups by teacher
    )
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    school_year = models.CharField(_("学年"), max_length=9)
    is_owed = models.BooleanField(_("应修"), default=True)
    is_complete = models.BooleanField(_("已完成"), default=False)
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
    # The policy version the county's rows were last computed in full for: another version
    # makes the next audit recompute every teacher, not only the stale ones.
    policy_version = models.PositiveIntegerField(_("政策版本"), null=True, blank=True)
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


class ProgressSummary(models.Model):
    """Teachers of a county counted for one period, kept by the audit for the overview pages.

    Four kinds of row, all from the same pass over the county's progress: a school's row
    (`school` set), the county's total (no school, type or stage), and the county's rows by
    school type and by career stage (one of the two set). The prefecture and region pages add
    up the county totals and group the type and stage rows in the database. `school_year`
    empty is the whole cycle; otherwise the school year `YYYY-YYYY`. In a cycle row the four
    statuses count the cycle's standing; in a year row `complete` counts those who completed
    the year and the other three stay 0. `trained` counts teachers with approved credit in the
    period (coverage, 000 三(二)1 参训率); `short_by_row` counts, per requirement row, the
    teachers still short in it (the category most often short).
    """

    county = models.ForeignKey(
        "institutions.AdministrativeUnit",
        on_delete=models.CASCADE,
        related_name="progress_rollups",
        verbose_name=_("县市区"),
        db_index=False,  # the (county, school_year) index serves lookups by county
    )
    school = models.ForeignKey(
        "institutions.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_rollups",
        verbose_name=_("学校"),
        db_index=False,  # the (school, school_year) index serves lookups by school
    )
    school_type = models.CharField(_("学校类型"), max_length=1, blank=True)
    career_stage = models.CharField(_("发展阶段"), max_length=16, blank=True)
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    school_year = models.CharField(_("学年"), max_length=9, blank=True)
    teachers = models.PositiveIntegerField(_("教师数"))
    owing = models.PositiveIntegerField(_("应修人数"), default=0)
    complete = models.PositiveIntegerField(_("已完成"), default=0)
    on_track = models.PositiveIntegerField(_("进度正常"), default=0)
    at_risk = models.PositiveIntegerField(_("有风险"), default=0)
    behind = models.PositiveIntegerField(_("落后"), default=0)
    trained = models.PositiveIntegerField(_("参训人数"), default=0)
    credits = models.DecimalField(_("学分合计"), max_digits=14, decimal_places=2, default=0)
    short_by_row = models.JSONField(_("各要求未达标人数"), default=dict)
    credits_by_kind = models.JSONField(_("按级别和形式的学分"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ProgressSummaryQuerySet.as_manager()

    class Meta:
        ordering = ("county", "school", "school_type", "career_stage", "school_year", "pk")
        verbose_name = verbose_name_plural = _("进度汇总")
        indexes = [
            models.Index(fields=["county", "school_year"], name="rollup_county_year_idx"),
            models.Index(fields=["school", "school_year"], name="rollup_school_year_idx"),
        ]

    def __str__(self):
        return f"{self.county_id} · {self.school_id or self.school_type} · {self.school_year}"
