"""Teachers and the group tags the credit policies apply to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import CareerStage, DisclosureChannel, Gender, GroupCode, Subject
from .national_id import mask_id_number, validate_id_number
from .querysets import NationalIdDisclosureQuerySet, TeacherQuerySet

__all__ = ["NationalIdDisclosure", "Teacher", "TeacherGroup"]


class TeacherGroup(models.Model):
    """A group word policies use to pick whom a requirement row applies to (POLICIES §6)."""

    code = models.CharField(_("代码"), max_length=32, unique=True, choices=GroupCode.choices)

    class Meta:
        ordering = ("code", "pk")
        verbose_name = verbose_name_plural = _("教师群体标签")

    def __str__(self):
        return self.get_code_display()


class Teacher(models.Model):
    """A kindergarten, primary or secondary teacher who must earn continuing-education credits."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号码"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        error_messages={"unique": _("该身份证号码已登记过教师，一人只登记一次。")},
    )
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    school = models.ForeignKey(
        "institutions.School",
        on_delete=models.PROTECT,
        related_name="teachers",
        verbose_name=_("任教学校"),
    )
    subject = models.CharField(_("任教学科"), max_length=32, choices=Subject.choices)
    hired_on = models.DateField(_("入职日期"))
    career_stage = models.CharField(
        _("发展阶段"), max_length=16, choices=CareerStage.choices, default=CareerStage.MATURE
    )
    group_tags = models.ManyToManyField(
        TeacherGroup, blank=True, related_name="teachers", verbose_name=_("群体标签")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teacher_profile",
        verbose_name=_("登录账号"),
    )
    is_active = models.BooleanField(_("在职"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    history = HistoricalRecords(m2m_fields=[group_tags])
    objects = TeacherQuerySet.as_manager()

    class Meta:
        ordering = ("school", "name", "pk")
        verbose_name = verbose_name_plural = _("教师")
        permissions = [
            ("view_national_id", _("可查看完整身份证号码")),
            # Least privilege (#14): training institutions see the teachers on their projects
            # (view_teacher) but not their progress, ledger or certificates.
            ("view_progress_teacher", _("可查看教师学分进度")),
            ("issue_proof_teacher", _("可开具学年学分证明")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("id_number"), 18),
                name="%(app_label)s_%(class)s_id_number_18_characters",
                violation_error_message=_("身份证号码应为18位。"),
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values),
                name="%(app_label)s_%(class)s_gender_valid",
                violation_error_message=_("性别只能是男或女。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        """Return the ID number with its birth date hidden: 650102********1234."""
        return mask_id_number(self.id_number)


class NationalIdDisclosure(models.Model):
    """One showing of a teacher's whole ID number: who saw whose, when, where, from which address.

    Append-only: rows are written by `trainees.services` when a number is revealed on a page or
    in the admin, or sent whole to an API client, and are never changed or deleted (PIPL: the
    bureau must be able to tell a teacher who saw their number).
    """

    teacher = models.ForeignKey(
        Teacher,
        on_delete=models.PROTECT,
        related_name="national_id_disclosures",
        verbose_name=_("教师"),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查看人"),
    )
    api_client = models.ForeignKey(
        "platforms.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接口客户端"),
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=DisclosureChannel.choices)
    path = models.CharField(_("位置"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("访问地址"), null=True, blank=True)
    disclosed_at = models.DateTimeField(_("查看时间"), default=timezone.now, db_index=True)

    objects = NationalIdDisclosureQuerySet.as_manager()

    class Meta:
        ordering = ("-disclosed_at", "-pk")
        verbose_name = verbose_name_plural = _("身份证号码查看记录")
        indexes = [
            models.Index(fields=["teacher", "disclosed_at"], name="national_id_teacher_at_idx"),
            models.Index(fields=["viewer", "disclosed_at"], name="national_id_viewer_at_idx"),
        ]

    def __str__(self):
        return f"{self.viewer_id} → {self.teacher_id} @ {self.disclosed_at:%Y-%m-%d %H:%M}"
