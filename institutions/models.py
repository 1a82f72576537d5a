"""The administrative tree, schools, training institutions and the accounts acting for them."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    OFFICER_ROLES,
    ApprovalLevel,
    Ownership,
    QualificationStatus,
    Role,
    SchoolType,
    UnitLevel,
)
from .querysets import (
    AdministrativeUnitQuerySet,
    LoginUnlockQuerySet,
    SchoolQuerySet,
    TrainingInstitutionQuerySet,
    UserManager,
)

__all__ = [
    "AdministrativeUnit",
    "LoginUnlock",
    "School",
    "TrainingInstitution",
    "User",
]

six_digits = RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字。"))
two_digits = RegexValidator(r"^\d{2}$", _("证书编号代码应为2位数字。"))


class AdministrativeUnit(models.Model):
    """A province-level region, prefecture (地州市) or county (县市区) of the official code list."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[six_digits])
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    # Materialized path of codes from the region down ("650000/653100/653101/"), so everything
    # below a unit is one indexed prefix filter.
    path = models.CharField(_("路径"), max_length=64, unique=True, editable=False)
    # 004 附件: PP for a prefecture (乌鲁木齐市 01 … 和田地区 14), CC for a county, in county order.
    certificate_code = models.CharField(
        _("证书编号代码"), max_length=2, blank=True, validators=[two_digits]
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        ordering = ("path", "pk")
        verbose_name = verbose_name_plural = _("行政区划")
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=UnitLevel.REGION, parent__isnull=True)
                | Q(parent__isnull=False) & ~Q(level=UnitLevel.REGION),
                name="%(app_label)s_%(class)s_region_is_root",
                violation_error_message=_("只有省级单位没有上级单位。"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def region_code(self) -> str:
        """Return the two-digit province code (65 for Xinjiang)."""
        return self.code[:2]


class School(models.Model):
    """A kindergarten, primary, secondary or special school, or a teaching-service institution."""

    name = models.CharField(_("学校名称"), max_length=100)
    code = models.CharField(
        _("学校标识码"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字。"))],
    )
    county = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"level": UnitLevel.COUNTY},
        verbose_name=_("所属县市区"),
    )
    school_type = models.CharField(_("学校类型"), max_length=1, choices=SchoolType.choices)
    ownership = models.CharField(
        _("办学性质"), max_length=16, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    # 004 六(一)1: department-run and university-affiliated schools are handled by the local bureau.
    is_directly_affiliated = models.BooleanField(_("部门/高校附属"), default=False)
    # Songjiang 002 三(一)2: the 17%/83% split applies at municipal teacher-development schools.
    is_teacher_development_school = models.BooleanField(_("教师专业发展学校"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ("county__path", "name", "pk")
        verbose_name = verbose_name_plural = _("学校")

    def __str__(self):
        return self.name


class TrainingInstitution(models.Model):
    """A training institution or base (承训单位 / 培训基地) recognised by a bureau."""

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="training_institutions",
        verbose_name=_("认定单位"),
    )
    approval_level = models.CharField(_("认定级别"), max_length=16, choices=ApprovalLevel.choices)
    qualification_status = models.CharField(
        _("资质状态"),
        max_length=16,
        choices=QualificationStatus.choices,
        default=QualificationStatus.QUALIFIED,
    )
    qualified_until = models.DateField(_("资质有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = TrainingInstitutionQuerySet.as_manager()

    class Meta:
        ordering = ("name", "pk")
        verbose_name = verbose_name_plural = _("培训机构")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """An account of the portal, tied to the unit, school or institution it acts for."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("所属行政区划"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admins",
        verbose_name=_("所属学校"),
    )
    institution = models.ForeignKey(
        TrainingInstitution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属培训机构"),
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    class Meta:
        ordering = ("username", "pk")
        verbose_name = verbose_name_plural = _("用户")
        permissions = [("unlock_user", _("可解除账号的登录锁定"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(OFFICER_ROLES)) | Q(unit__isnull=False),
                name="%(app_label)s_%(class)s_officer_has_unit",
                violation_error_message=_("教育局账号必须指定所属行政区划。"),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SCHOOL_ADMIN) | Q(school__isnull=False),
                name="%(app_label)s_%(class)s_school_admin_has_school",
                violation_error_message=_("学校管理员账号必须指定所属学校。"),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.INSTITUTION_STAFF) | Q(institution__isnull=False),
                name="%(app_label)s_%(class)s_institution_staff_has_institution",
                violation_error_message=_("培训机构账号必须指定所属培训机构。"),
            ),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username

    def get_absolute_url(self):
        return reverse("home")

    def get_full_name(self):
        # Chinese names are written family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES


class LoginUnlock(models.Model):
    """A login lock an officer lifted before it ran out: whose, at which address, by whom, when.

    Rows are only ever added: each is the history of one lift.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="login_unlocks",
        verbose_name=_("账号"),
    )
    ip_address = models.GenericIPAddressField(_("登录地址"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("连续失败次数"))
    last_failure_at = models.DateTimeField(_("最后一次失败时间"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("解除人"),
    )
    lifted_at = models.DateTimeField(_("解除时间"), default=timezone.now, db_index=True)

    objects = LoginUnlockQuerySet.as_manager()

    class Meta:
        ordering = ("-lifted_at", "-pk")
        verbose_name = verbose_name_plural = _("登录锁定解除记录")

    def __str__(self):
        return f"{self.account_id} · {self.ip_address or '—'} · {self.lifted_at:%Y-%m-%d %H:%M}"
