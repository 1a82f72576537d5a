"""Credit policies: named, versioned parameters and requirement rows per jurisdiction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.choices import Category, Mode, Tier

from ..choices import (
    BONUS_APPLIES_TO,
    ApprovingLevel,
    PolicyStatus,
    PolicyUnit,
    Proration,
    RequirementScope,
    Rounding,
    YearWindow,
)
from ..querysets import PolicyQuerySet

__all__ = ["Policy", "PolicyBonusRate", "PolicyRequirement"]


class Policy(models.Model):
    """One version of a region's continuing-education credit policy (学分政策).

    Scalars are columns; requirement rows and the bonus table are child rows; the rarer lists
    (offsets, grade quotas, share checks, the categories in use, tier labels) are JSON in the
    rule engine's own format. A published policy is never edited: a new version is made.
    """

    code = models.SlugField(_("政策代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("政策名称"), max_length=200)
    region_name = models.CharField(_("适用地区"), max_length=64)
    applies_to_code = models.CharField(
        _("适用行政区划代码前缀"),
        max_length=6,
        help_text=_("教师所在县市区的行政区划代码以此开头即适用本政策，如 65 为新疆。"),
    )
    source = models.CharField(_("依据文件"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    unit = models.CharField(_("计量单位"), max_length=16, choices=PolicyUnit.choices)
    cycle_start = models.DateField(_("周期开始"))
    cycle_end = models.DateField(_("周期结束"))
    year_start_month = models.PositiveSmallIntegerField(_("学年起始月"), default=9)
    year_start_day = models.PositiveSmallIntegerField(_("学年起始日"), default=1)
    precision = models.DecimalField(_("精度"), max_digits=6, decimal_places=4, default="0.01")
    rounding = models.CharField(
        _("舍入方式"), max_length=16, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    hours_per_credit_centralized = models.DecimalField(
        _("集中培训每学分学时"), max_digits=6, decimal_places=2
    )
    hours_per_credit_online = models.DecimalField(
        _("网络研修每学分学时"), max_digits=6, decimal_places=2
    )
    hours_per_credit_school_based = models.DecimalField(
        _("校本研修每学分学时"), max_digits=6, decimal_places=2
    )
    hours_per_day = models.DecimalField(
        _("每天折合学时"), max_digits=4, decimal_places=1, default=8
    )
    is_grade_bonus_for_lead_instructor = models.BooleanField(
        _("主讲教师另加等次加分"), default=False
    )
    is_project_approval_required = models.BooleanField(_("项目须经审核"), default=True)
    degree_category = models.CharField(
        _("学历提升计入类别"), max_length=32, choices=Category.choices, blank=True
    )
    degree_mode = models.CharField(
        _("学历提升折算方式"), max_length=16, choices=Mode.choices, blank=True
    )
    is_degree_bonus = models.BooleanField(_("学历提升加分"), default=False)
    new_teacher_is_hired_in_cycle_new = models.BooleanField(
        _("周期内入职即为新任教师"), default=True
    )
    new_teacher_proration = models.CharField(
        _("新任教师周期要求折算"),
        max_length=16,
        choices=Proration.choices,
        default=Proration.NONE,
    )
    new_teacher_per_year_row = models.CharField(_("折算依据的学年要求"), max_length=40, blank=True)
    new_teacher_cap_row = models.CharField(_("折算上限的周期要求"), max_length=40, blank=True)
    new_teacher_source = models.CharField(_("新任教师规则依据"), max_length=100, blank=True)
    audit_max_hours_per_day = models.DecimalField(
        _("集中培训每日学时上限"),
        max_digits=4,
        decimal_places=1,
        default=8,
        help_text=_("夜间核查据此发现一天内登记学时过多的记录。"),
    )
    # Oversight settings: not credit rules, so the rule engine never sees them. Who approves
    # (004 五(三)) and the yearly targets a bureau is measured against (000 三(二)1); the
    # documents that print neither take the readings POLICIES §7.15 and §7.16.
    approving_level = models.CharField(
        _("学分认定层级"),
        max_length=16,
        choices=ApprovingLevel.choices,
        default=ApprovingLevel.COUNTY,
        help_text=_("本政策适用地区的学分由哪一级教育局认定；一条记录只有一个认定层级。"),
    )
    approving_level_source = models.CharField(_("认定层级依据"), max_length=100, blank=True)
    target_coverage = models.DecimalField(
        _("参训率目标（%）"),
        max_digits=5,
        decimal_places=2,
        default=98,
        help_text=_("本学年获得认定学分的教师占应参训教师的比例。"),
    )
    target_completion = models.DecimalField(
        _("完成率目标（%）"),
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text=_("完成本学年（周期末为本周期）学分要求的教师占应修教师的比例。"),
    )
    target_satisfaction = models.DecimalField(
        _("满意率目标（%）"),
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text=_("培训评价中“满意”及以上的比例。"),
    )
    targets_source = models.CharField(_("目标依据"), max_length=100, blank=True)
    categories = models.JSONField(_("适用课程类别"), default=list)
    tier_labels = models.JSONField(_("项目级别名称"), default=dict)
    offsets = models.JSONField(_("折抵规则"), default=list, blank=True)
    grade_quotas = models.JSONField(_("考核等次比例限制"), default=list, blank=True)
    share_checks = models.JSONField(_("比例提示"), default=list, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_versions",
        verbose_name=_("由此版本修订"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ("code", "-version", "pk")
        verbose_name = verbose_name_plural = _("学分政策")
        constraints = [
            models.UniqueConstraint(
                fields=("code", "version"),
                name="%(app_label)s_%(class)s_unique_code_version",
                violation_error_message=_("同一政策代码的版本号不能重复。"),
            ),
            models.UniqueConstraint(
                fields=("code",),
                condition=Q(status=PolicyStatus.ACTIVE),
                name="%(app_label)s_%(class)s_one_active_version",
                violation_error_message=_("同一政策同时只能有一个生效版本。"),
            ),
            models.CheckConstraint(
                condition=Q(cycle_end__gte=models.F("cycle_start")),
                name="%(app_label)s_%(class)s_cycle_order",
                violation_error_message=_("周期结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(target_coverage__gte=0, target_coverage__lte=100)
                & Q(target_completion__gte=0, target_completion__lte=100)
                & Q(target_satisfaction__gte=0, target_satisfaction__lte=100),
                name="%(app_label)s_%(class)s_targets_are_percentages",
                violation_error_message=_("目标比例必须在 0 到 100 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_credit_centralized__gt=0)
                & Q(hours_per_credit_online__gt=0)
                & Q(hours_per_credit_school_based__gt=0),
                name="%(app_label)s_%(class)s_hours_per_credit_positive",
                violation_error_message=_("每学分学时必须大于0。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code} v{self.version}）"

    @property
    def is_editable(self) -> bool:
        """Only drafts change; a published policy is frozen (credits were computed with it)."""
        return self.status == PolicyStatus.DRAFT


class PolicyRequirement(models.Model):
    """A minimum a teacher owes per cycle or per school year, filled by some categories."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("政策")
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    key = models.SlugField(_("要求代码"), max_length=40)
    label = models.CharField(_("名称"), max_length=64)
    minimum = models.DecimalField(_("最低要求"), max_digits=8, decimal_places=2)
    scope = models.CharField(_("考核范围"), max_length=8, choices=RequirementScope.choices)
    source = models.CharField(_("依据"), max_length=100)
    categories = models.JSONField(_("计入的课程类别"), default=list, blank=True)
    groups = models.JSONField(_("适用教师群体"), default=list, blank=True)
    exempt_groups = models.JSONField(_("免除的教师群体"), default=list, blank=True)
    window = models.CharField(
        _("适用学年"), max_length=16, choices=YearWindow.choices, default=YearWindow.EVERY_YEAR
    )
    counted_until = models.DateField(_("截止日期"), null=True, blank=True)
    is_prorated = models.BooleanField(_("新任教师按比例折算"), default=False)

    class Meta:
        ordering = ("policy", "scope", "position", "pk")
        verbose_name = verbose_name_plural = _("学分要求")
        constraints = [
            models.UniqueConstraint(
                fields=("policy", "scope", "key"),
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message=_("同一政策同一考核范围内要求代码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=0),
                name="%(app_label)s_%(class)s_minimum_not_negative",
                violation_error_message=_("最低要求不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.label} ≥ {self.minimum}"


class PolicyBonusRate(models.Model):
    """A bonus as a fraction of base credits, by project tier and grade or lead instructor."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="bonus_rates", verbose_name=_("政策")
    )
    tier = models.CharField(_("项目级别"), max_length=16, choices=Tier.choices)
    applies_to = models.CharField(_("适用"), max_length=16, choices=BONUS_APPLIES_TO)
    rate = models.DecimalField(
        _("加分比例"), max_digits=6, decimal_places=4, help_text=_("占基础学分的比例，0.05 即 5%。")
    )

    class Meta:
        ordering = ("policy", "tier", "applies_to", "pk")
        verbose_name = verbose_name_plural = _("加分比例")
        constraints = [
            models.UniqueConstraint(
                fields=("policy", "tier", "applies_to"),
                name="%(app_label)s_%(class)s_unique_rate",
                violation_error_message=_("同一级别同一等次只能有一个加分比例。"),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0),
                name="%(app_label)s_%(class)s_rate_not_negative",
                violation_error_message=_("加分比例不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_tier_display()} {self.get_applies_to_display()} +{self.rate:%}"
