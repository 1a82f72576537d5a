"""Writes of the platforms app: registering, rotating and revoking clients; the records and
answers a client's pushes leave behind (external ids, idempotent replays)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from institutions.choices import ROLE_UNIT_LEVEL
from institutions.models import AdministrativeUnit
from institutions.services import create_account

from .errors import ApiClientOutsideJurisdiction, ApiClientRevoked, ApiClientUnitLevelUnknown
from .models import (
    DEFAULT_REQUESTS_PER_MINUTE,
    IDEMPOTENCY_TTL,
    TOKEN_PREFIX_LENGTH,
    ApiAccess,
    ApiClient,
    ExternalRecordKey,
    IdempotencyKey,
)
from .tokens import forget_checked_tokens, hash_token

# What a read-write client may write on top of the officer role of its unit: it pushes training
# records (POST /api/v1/records/bulk/), which officers' own pages never do.
WRITE_PERMISSIONS = ("projects.add_trainingrecord", "projects.change_trainingrecord")


@dataclass(frozen=True)
class IssuedToken:
    """A client and its new token, which is shown once and never stored."""

    client: ApiClient
    token: str


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
