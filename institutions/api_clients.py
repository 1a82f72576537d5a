"""API clients: provincial and county platforms that call the REST API with a bearer token.

A client is registered by an officer for one administrative unit (its jurisdiction) and is
either read-only or read-write. It acts through its own service account: a `User` with the
officer role of the unit's level, the unit as its unit and no usable password, so every
`Model.objects.restrict(request.user, action)` scopes a client exactly as it scopes an officer
of that unit. Only a SHA-256 digest of the token and a short prefix (to tell tokens apart) are
stored; the token itself is shown once, when it is made.

The models live here, outside `models.py`, and are imported at the end of it, so the app's
migrations pick them up. The services that write them follow the models.
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.exceptions import DomainError

from .choices import ROLE_UNIT_LEVEL
from .jurisdiction import JurisdictionQuerySet, Scope

__all__ = [
    "ApiAccess",
    "ApiCallLog",
    "ApiClient",
    "ExternalRecordKey",
    "IdempotencyKey",
    "IssuedToken",
    "ensure_demo_api_clients",
    "flush_api_call_log",
    "hash_token",
    "register_api_client",
    "revoke_api_client",
    "rotate_api_client_token",
    "set_api_client_access",
]

TOKEN_PREFIX_LENGTH = 8
IDEMPOTENCY_TTL = datetime.timedelta(hours=24)
DEFAULT_REQUESTS_PER_MINUTE = 1200
# What a read-write client may write on top of the officer role of its unit: it pushes training
# records (POST /api/v1/records/bulk/), which officers' own pages never do.
WRITE_PERMISSIONS = ("projects.add_trainingrecord", "projects.change_trainingrecord")
DEMO_TOKENS = {"650000": "demo-region-token", "650102": "demo-county-token"}  # demo data only


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


# -- errors ------------------------------------------------------------------------------------
class ApiClientError(DomainError):
    """Registering or changing an API client was refused."""

    code = "api_client_error"


class ApiClientUnitLevelUnknown(ApiClientError):
    """The unit's level has no officer role to act as."""

    code = "api_client_unit_level"
    message = _("行政区划“%(unit)s”的级别无法对应教育局账号，不能登记接口客户端。")


class ApiClientOutsideJurisdiction(ApiClientError):
    """An officer tried to register a client for a unit outside their own jurisdiction."""

    code = "api_client_outside_jurisdiction"
    message = _("只能为本辖区（%(own)s）及其下级登记接口客户端，“%(unit)s”不在辖区内。")


class ApiClientRevoked(ApiClientError):
    """The client was revoked; its token cannot be changed any more."""

    code = "api_client_revoked"
    message = _("接口客户端“%(name)s”已吊销，不能再更换令牌。请重新登记一个客户端。")


# -- services ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    """A client and its new token, which is shown once and never stored."""

    client: ApiClient
    token: str


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return "xft_" + secrets.token_urlsafe(32)


def _role_for(unit) -> str:
    for role, level in ROLE_UNIT_LEVEL.items():
        if level == unit.level:
            return role
    raise ApiClientUnitLevelUnknown(unit=unit.name)


def _sync_write_permissions(client: ApiClient) -> None:
    """Give a read-write client's account the record permissions, and take them from others."""
    perms = []
    for name in WRITE_PERMISSIONS:
        app_label, codename = name.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if client.is_read_only:
        client.user.user_permissions.remove(*perms)
    else:
        client.user.user_permissions.add(*perms)


@transaction.atomic
def register_api_client(
    *,
    name: str,
    unit,
    access: str = ApiAccess.READ,
    by=None,
    token: str | None = None,
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    contact: str = "",
    may_read_national_ids: bool = False,
) -> IssuedToken:
    """Register a client for `unit` with its service account; return it with its new token.

    The account has the officer role of the unit's level and the unit as its jurisdiction, and
    no usable password: it signs in only through the token. Pass `token` only for demo data.
    """
    from .models import AdministrativeUnit
    from .services import create_account  # services import models, which import this module

    # An officer registers clients for their own unit and below: a county system never gets a
    # token that reads the province.
    if (
        by is not None
        and not AdministrativeUnit.objects.restrict(by, "view").filter(pk=unit.pk).exists()
    ):
        own = by.unit.name if getattr(by, "unit", None) else "—"
        raise ApiClientOutsideJurisdiction(own=own, unit=unit.name)
    role = _role_for(unit)
    token = token or _new_token()
    user = create_account(
        username=f"api-{secrets.token_hex(6)}", password=None, role=role, full_name=name, unit=unit
    )
    client = ApiClient(
        name=name,
        unit=unit,
        access=access,
        user=user,
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(token),
        requests_per_minute=requests_per_minute,
        contact=contact,
        may_read_national_ids=may_read_national_ids,
        created_by=by,
    )
    client.full_clean()
    client.save()
    _sync_write_permissions(client)
    return IssuedToken(client=client, token=token)


@transaction.atomic
def rotate_api_client_token(*, client: ApiClient, by=None, token: str | None = None) -> IssuedToken:
    """Give the client a new token; the old one stops working at once."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise ApiClientRevoked(name=client.name)
    token = token or _new_token()
    client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
    client.token_hash = hash_token(token)
    client.token_rotated_at = timezone.now()
    client._change_reason = "更换令牌"
    client.save()
    forget_checked_tokens()
    return IssuedToken(client=client, token=token)


@transaction.atomic
def revoke_api_client(*, client: ApiClient, by=None) -> ApiClient:
    """Revoke the client: its token stops working at once and its account is deactivated."""
    client = ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)
    if client.is_active:
        client.revoked_at = timezone.now()
        client._change_reason = "吊销"
        client.save()
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
        forget_checked_tokens()
    return client


@transaction.atomic
def set_api_client_access(*, client: ApiClient, access: str) -> ApiClient:
    """Make the client read-only or read-write, with its account's write permissions."""
    client = ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)
    client.access = access
    client.full_clean()
    client.save()
    _sync_write_permissions(client)
    forget_checked_tokens()
    return client


def ensure_demo_api_clients() -> list[IssuedToken]:
    """Create the demo region and county clients unless they exist; return them with tokens.

    Demo data only: their tokens (demo-region-token, demo-county-token) are public. Both are
    read-write. Units missing from the database are skipped. Safe to run again.
    """
    from .models import AdministrativeUnit

    issued = []
    for code, token in DEMO_TOKENS.items():
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        client = ApiClient.objects.filter(token_hash=hash_token(token)).first()
        if client is None:
            client = register_api_client(
                name=f"演示接口客户端（{unit.name}）",
                unit=unit,
                access=ApiAccess.READ_WRITE,
                token=token,
            ).client
        issued.append(IssuedToken(client=client, token=token))
    return issued


# Tokens already checked by this process, with their client and its account (whose permission
# cache then stays warm): {token hash: (client, checked at)}. An entry is trusted for
# TOKEN_CACHE_SECONDS; rotating, revoking or changing a client drops it here at once, and other
# processes notice within that time.
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 1000
_checked_tokens: dict[str, tuple[ApiClient, float]] = {}


def active_client_for_token(token: str) -> ApiClient | None:
    """Return the active client holding `token`, with its account and unit.

    One query, or none when this process checked the token in the last few seconds.
    """
    digest = hash_token(token)
    now = time.monotonic()
    cached = _checked_tokens.get(digest)
    if cached is not None and now - cached[1] < TOKEN_CACHE_SECONDS:
        return cached[0]
    client = (
        ApiClient.objects.select_related("user__unit")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if client is None:
        _checked_tokens.pop(digest, None)
        return None
    if len(_checked_tokens) >= TOKEN_CACHE_SIZE:
        _checked_tokens.clear()
    _checked_tokens[digest] = (client, now)
    return client


def forget_checked_tokens() -> None:
    """Drop every token this process trusts, so the next call of each client is checked."""
    _checked_tokens.clear()


# Calls are written in batches: one INSERT per LOG_BATCH calls (or sooner when the oldest waits
# LOG_MAX_AGE_SECONDS), and at exit. A process killed outright loses at most one batch. Calls
# wait as plain tuples: building a model instance per call, and bulk_create's per-row work,
# cost more than the rest of logging.
LOG_BATCH = 50
LOG_MAX_AGE_SECONDS = 2.0
_LOG_COLUMNS = ("client_id", "method", "path", "status", "duration_ms", "at")
_pending_calls: list[tuple] = []
_pending_lock = threading.Lock()


def log_api_call(*, client_id: int, method: str, path: str, status: int, duration_ms: int) -> None:
    """Record one call of the API, after the response was built; written in small batches."""
    at = timezone.now()
    call = (client_id, method[:8], path[:200], status, max(0, duration_ms), at)
    with _pending_lock:
        _pending_calls.append(call)
        oldest = _pending_calls[0][-1]
        is_due = len(_pending_calls) >= getattr(settings, "API_CALL_LOG_BATCH", LOG_BATCH)
    if is_due or (at - oldest).total_seconds() >= LOG_MAX_AGE_SECONDS:
        flush_api_call_log()


def flush_api_call_log() -> int:
    """Write the calls this process has not written yet (one INSERT); return how many."""
    with _pending_lock:
        batch = _pending_calls[:]
        _pending_calls.clear()
    if not batch:
        return 0
    if connection.vendor == "postgresql":
        # One statement whatever the batch size: the columns as arrays, unnested.
        table, columns = ApiCallLog._meta.db_table, ", ".join(_LOG_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # nosec B608 # noqa: S608 _meta, _LOG_COLUMNS
                "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], "
                "%s::integer[], %s::integer[], %s::timestamptz[])",
                [list(column) for column in zip(*batch, strict=True)],
            )
    else:
        ApiCallLog.objects.bulk_create(
            [ApiCallLog(**dict(zip(_LOG_COLUMNS, call, strict=True))) for call in batch]
        )
    return len(batch)


atexit.register(flush_api_call_log)


def purge_api_call_log(*, older_than_days: int | None = None) -> int:
    """Delete call-log lines older than the retention (API_CALL_LOG_RETENTION_DAYS, 180 days
    by default); return how many. Run nightly by `institutions.tasks.purge_api_call_log`."""
    days = older_than_days or getattr(settings, "API_CALL_LOG_RETENTION_DAYS", 180)
    deleted, _per_model = ApiCallLog.objects.filter(
        at__lt=timezone.now() - datetime.timedelta(days=days)
    ).delete()
    return deleted


def keep_external_record_keys(*, client: ApiClient, keys: list[tuple[str, int]]) -> None:
    """Store `client`'s own ids of records, [(external id, record id)], in one INSERT.

    A push keeps up to 1,000 at once; on PostgreSQL the columns go as arrays, without a model
    instance per key (building them cost more than the INSERT).
    """
    if not keys:
        return
    if connection.vendor != "postgresql":
        ExternalRecordKey.objects.bulk_create(
            [ExternalRecordKey(client=client, external_id=e, record_id=r) for e, r in keys]
        )
        return
    external_ids, record_ids = (list(column) for column in zip(*keys, strict=True))
    table = ExternalRecordKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # nosec B608 # noqa: S608 table name from _meta
            "(client_id, external_id, record_id, created_at) "
            "SELECT %s, e, r, %s FROM unnest(%s::varchar[], %s::bigint[]) AS k(e, r)",
            [client.pk, timezone.now(), external_ids, record_ids],
        )


def idempotent_response(*, client: ApiClient, key: str) -> IdempotencyKey | None:
    """Return the stored answer to `key` of `client`, if it is younger than 24 hours."""
    return IdempotencyKey.objects.filter(
        client=client, key=key, created_at__gte=timezone.now() - IDEMPOTENCY_TTL
    ).first()


def store_idempotent_response(
    *, client: ApiClient, key: str, request_hash: str, status_code: int, response
) -> IdempotencyKey:
    """Keep the answer to `key` for 24 hours, replacing an expired one under the same key."""
    now = timezone.now()
    IdempotencyKey.objects.filter(client=client, created_at__lt=now - IDEMPOTENCY_TTL).delete()
    return IdempotencyKey.objects.create(
        client=client,
        key=key,
        request_hash=request_hash,
        status_code=status_code,
        response=response,
        created_at=now,
    )
