"""E-certificate numbers, their serial counters, and the certificates issued under them."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.jurisdiction import JurisdictionQuerySet, Scope

from .numbers import MAX_SERIAL

__all__ = [
    "BureauSeal",
    "Certificate",
    "CertificateCounter",
    "CertificateKind",
    "CertificateNumber",
    "CertificateStatus",
    "CreditRow",
]

nine_digits = RegexValidator(r"^\d{9}$", _("证书编号应为9位数字。"))
five_digits = RegexValidator(r"^\d{5}$", _("证书编号前缀应为5位数字。"))
period_format = RegexValidator(r"^\d{4}-\d{4}$", _("期间应写作“2024-2028”或“2024-2025”。"))


class CreditRow(NamedTuple):
    """One line of a certificate's credit table."""

    label: str
    credits: Decimal
    role: str = "category"

    @classmethod
    def from_stored(cls, line) -> CreditRow:
        label, credits, *role = line
        return cls(label, Decimal(credits), role[0] if role else "category")

    @property
    def is_summed(self) -> bool:
        return self.role == "category"

    def stored(self) -> list[str]:
        head = [self.label, str(self.credits)]
        return head if self.is_summed else [*head, self.role]


class CertificateKind(models.TextChoices):
    """What a certificate proves: a whole cycle, or one school year's credits (004 六(三))."""

    CYCLE = "cycle", _("继续教育学分证书")
    YEAR = "year", _("学年学分证明")


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("有效")
    SUPERSEDED = "superseded", _("已被更正版本取代")
    REVOKED = "revoked", _("已撤销")


class CertificateNumberQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")


class CertificateQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")

    def in_force(self):
        """Return the certificates currently valid (neither superseded nor revoked)."""
        return self.filter(status=CertificateStatus.ISSUED)


class CertificateCounter(models.Model):
    """The last serial used under one `PP CC T` prefix; locked to hand out the next ones."""

    # The prefix is the key: a counter row is created with INSERT … ON CONFLICT DO NOTHING and
    # then locked with SELECT … FOR UPDATE, so two processes never read the same last serial.
    prefix = models.CharField(
        _("编号前缀"), max_length=5, primary_key=True, validators=[five_digits]
    )
    last_serial = models.PositiveIntegerField(
        _("已用流水号"), default=0, validators=[MaxValueValidator(MAX_SERIAL)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ("prefix",)
        verbose_name = verbose_name_plural = _("证书流水号计数器")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_serial__gte=0) & Q(last_serial__lte=MAX_SERIAL),
                name="%(app_label)s_%(class)s_last_serial_within_range",
                violation_error_message=_("流水号只能在 0000-9999 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.prefix} · {self.last_serial:04d}"


class CertificateNumber(models.Model):
    """A teacher's lifelong e-certificate number `PP CC T NNNN` (004 附件; 一人一证，一人一号).

    The prefix records where the number was first issued; a teacher who moves keeps it.
    """

    teacher = models.OneToOneField(
        "trainees.Teacher",
        on_delete=models.PROTECT,
        related_name="certificate_number",
        verbose_name=_("教师"),
    )
    number = models.CharField(_("证书编号"), max_length=9, unique=True, validators=[nine_digits])
    prefix = models.CharField(_("编号前缀"), max_length=5, validators=[five_digits])
    serial = models.PositiveIntegerField(
        _("流水号"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SERIAL)]
    )
    school = models.ForeignKey(
        "institutions.School",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("分配时所在学校"),
    )
    allocated_at = models.DateTimeField(_("分配时间"))

    history = HistoricalRecords()
    objects = CertificateNumberQuerySet.as_manager()

    class Meta:
        ordering = ("number", "pk")
        verbose_name = verbose_name_plural = _("证书编号")
        constraints = [
            models.UniqueConstraint(
                fields=("prefix", "serial"),
                name="%(app_label)s_%(class)s_unique_prefix_serial",
                violation_error_message=_("同一前缀下的流水号不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(serial__gte=1) & Q(serial__lte=MAX_SERIAL),
                name="%(app_label)s_%(class)s_serial_within_range",
                violation_error_message=_("流水号只能在 0001-9999 之间。"),
            ),
        ]

    def __str__(self):
        return self.number


class Certificate(models.Model):
    """One issued e-certificate: a cycle certificate or a school year's credit proof.

    Once issued it is frozen. A correction is a new version that supersedes this one; a
    revocation keeps the row and records when, why and by whom.
    """

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("教师"),
    )
    number = models.ForeignKey(
        CertificateNumber,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("证书编号"),
    )
    kind = models.CharField(_("证书类型"), max_length=8, choices=CertificateKind.choices)
    period = models.CharField(
        _("周期或学年"), max_length=9, validators=[period_format], help_text="2024-2028 / 2024-2025"
    )
    policy_code = models.SlugField(_("政策代码"), max_length=40)
    policy_version = models.PositiveIntegerField(_("政策版本"))
    # A list of [label, credits] pairs: PostgreSQL's jsonb reorders object keys, and the rows
    # must print in the order the policy lists them. Credits are strings, to stay exact.
    credits_by_category = models.JSONField(_("分类学分"), default=list)
    total_credits = models.DecimalField(_("总学分"), max_digits=7, decimal_places=2)
    issuing_bureau = models.CharField(_("发证机关"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    # Frozen with the certificate: a later rename or move does not change what was issued.
    teacher_name = models.CharField(_("姓名"), max_length=50)
    masked_id_number = models.CharField(_("身份证号码（隐去中间）"), max_length=18)
    school_name = models.CharField(_("学校"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.ISSUED,
    )
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("更正后的版本"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    pdf = models.FileField(_("证书PDF"), upload_to="certificates/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ("number", "kind", "period", "version", "pk")
        verbose_name = verbose_name_plural = _("电子证书")
        permissions = [("revoke_certificate", _("可撤销电子证书"))]
        constraints = [
            models.UniqueConstraint(
                fields=("teacher", "kind", "period", "version"),
                name="%(app_label)s_%(class)s_unique_version",
                violation_error_message=_("同一教师同一期间的证书版本不能重复。"),
            ),
            models.UniqueConstraint(
                fields=("teacher", "kind", "period"),
                condition=Q(status=CertificateStatus.ISSUED),
                name="%(app_label)s_%(class)s_one_in_force",
                violation_error_message=_("同一教师同一期间只能有一份有效证书。"),
            ),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.REVOKED, revoked_at__isnull=False)
                | ~Q(status=CertificateStatus.REVOKED) & Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_revoked_has_time",
                violation_error_message=_("已撤销的证书必须有撤销时间，其他证书不能有。"),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_from_one",
                violation_error_message=_("证书版本从 1 开始。"),
            ),
            models.CheckConstraint(
                condition=Q(total_credits__gte=0),
                name="%(app_label)s_%(class)s_total_not_negative",
                violation_error_message=_("总学分不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.teacher_name} · {self.get_kind_display()} {self.period} · v{self.version}"

    @property
    def is_in_force(self) -> bool:
        """Return whether this certificate is the valid one (not superseded, not revoked)."""
        return self.status == CertificateStatus.ISSUED

    @property
    def credit_rows(self) -> list[CreditRow]:
        """Return the certificate's credit lines, in the order issued.

        A stored line is `[label, "12.00"]` (a category, summed into the total) or
        `[label, "12.00", role]` for a line that is not summed: 其中 (part), 折抵 (offset),
        单列 (separate); see `credits.rules.statement`.
        """
        return [CreditRow.from_stored(line) for line in self.credits_by_category]


class BureauSealQuerySet(JurisdictionQuerySet):
    # A county bureau sets its own seal; the levels above see theirs but do not change them.
    scope = Scope(unit="unit", own_unit_actions=frozenset({"add", "change", "delete"}))


class BureauSeal(models.Model):
    """The issuing bureau's seal printed on its certificates (a PNG, checked and re-encoded).

    One per county bureau (004 五(三) 县级教育行政部门认定). A certificate without a seal
    prints a clear placeholder instead; a seal changed later does not change PDFs already
    issued (they are files, frozen with their SHA-256).
    """

    unit = models.OneToOneField(
        "institutions.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="certificate_seal",
        verbose_name=_("发证机关（县级教育局）"),
    )
    image = models.FileField(_("印章图片（PNG）"), upload_to="seals/", max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    history = HistoricalRecords()
    objects = BureauSealQuerySet.as_manager()

    class Meta:
        ordering = ("unit__code",)
        verbose_name = verbose_name_plural = _("发证机关印章")

    def __str__(self):
        return str(self.unit)
