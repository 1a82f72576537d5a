"""API clients: provincial and county platforms that call the REST API with a bearer token.

A client is registered by an officer for one administrative unit (its jurisdiction) and is
either read-only or read-write. It acts through its own service account: a `User` with the
officer role of the unit's level, the unit as its unit and no usable password, so every
`Model.objects.restrict(request.user, action)` scopes a client exactly as it scopes an officer
of that unit. Only a SHA-256 digest of the token and a short prefix (to tell tokens apart) are
stored; the token itself is shown once, when it is made.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.jurisdiction import JurisdictionQuerySet, Scope

TOKEN_PREFIX_LENGTH = 8
IDEMPOTENCY_TTL = datetime.timedelta(hours=24)
DEFAULT_REQUESTS_PER_MINUTE = 1200
# What a read-write client may write on top of the officer role of its unit: it pushes training
# records (POST /api/v1/records/bulk/), which officers' own pages never do.
WRITE_PERMISSIONS = ("projects.add_trainingrecord", "projects.change_trainingrecord")


class ApiAccess(models.TextChoices):
    READ = "read", _("只读")
    READ_WRITE = "read_write", _("读写")


class ApiClientQuerySet(JurisdictionQuerySet):
    # Officers manage the clients of their unit and below (the admin restricts through this).
    scope = Scope(unit="unit")


class ApiCallLogQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="client__unit")


class ApiClient(models.Model):
    """A platform that calls the API for one administrative unit, with one bearer token."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    unit = models.ForeignKey(
        "institutions.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("管辖范围"),
        help_text=_("客户端只能读写该行政区划及其下级的数据。"),
    )
    access = models.CharField(
        _("权限"), max_length=16, choices=ApiAccess.choices, default=ApiAccess.READ
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("服务账号"),
        editable=False,
    )
    token_prefix = models.CharField(_("令牌前缀"), max_length=TOKEN_PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("每分钟请求上限"), default=DEFAULT_REQUESTS_PER_MINUTE
    )
    may_read_national_ids = models.BooleanField(
        _("可获取完整身份证号码"),
        default=False,
        help_text=_(
            "仅对读写客户端有效。不勾选时，接口只返回隐去出生日期的身份证号码；勾选后返回完整号码，"
            "并逐条记入身份证号码查看记录。"
        ),
    )
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    token_rotated_at = models.DateTimeField(_("令牌更换时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])
    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ("name", "pk")
        verbose_name = verbose_name_plural = _("接口客户端")
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1),
                name="%(app_label)s_%(class)s_rate_positive",
                violation_error_message=_("每分钟请求上限至少为 1。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_read_only(self) -> bool:
        return self.access != ApiAccess.READ_WRITE


class ApiCallLog(models.Model):
    """One call of the API by a client: what was asked, the answer's status and how long."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="calls", verbose_name=_("接口客户端")
    )
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=200)
    status = models.PositiveSmallIntegerField(_("状态码"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))
    at = models.DateTimeField(_("时间"))

    objects = ApiCallLogQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = verbose_name_plural = _("接口调用记录")
        indexes = [models.Index(fields=["client", "at"], name="api_call_client_at_idx")]

    def __str__(self):
        return f"{self.client_id} {self.method} {self.path} {self.status}"


class ExternalRecordKey(models.Model):
    """A client's own id of a training record it pushed, so a resend finds the same record."""

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        related_name="record_keys",
        verbose_name=_("接口客户端"),
    )
    external_id = models.CharField(_("外部编号"), max_length=64)
    record = models.ForeignKey(
        "projects.TrainingRecord",
        on_delete=models.CASCADE,
        related_name="external_keys",
        verbose_name=_("培训记录"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ("client", "external_id", "pk")
        verbose_name = verbose_name_plural = _("外部记录编号")
        constraints = [
            models.UniqueConstraint(
                fields=("client", "external_id"),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_message=_("同一客户端的外部编号不能重复。"),
            ),
            models.UniqueConstraint(
                fields=("client", "record"),
                name="%(app_label)s_%(class)s_one_key_per_record",
                violation_error_message=_("同一条培训记录只能对应一个外部编号。"),
            ),
        ]

    def __str__(self):
        return f"{self.client_id}:{self.external_id} → {self.record_id}"


class IdempotencyKey(models.Model):
    """The answer to a write sent with an Idempotency-Key header, replayed for 24 hours."""

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
        verbose_name=_("接口客户端"),
    )
    key = models.CharField(_("幂等键"), max_length=100)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    response = models.JSONField(_("响应内容"))
    created_at = models.DateTimeField(_("创建时间"), db_index=True)

    class Meta:
        ordering = ("client", "-created_at", "pk")
        verbose_name = verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(
                fields=("client", "key"), name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.client_id}:{self.key}"
