"""Writes behind the API's commands: a platform pushes up to 1,000 training records at once.

The rows are checked exactly as the Excel import checks a sheet (`credits.intake`): each
item is parsed by `parse_row` and the whole push is planned against the database by the
import's set-based check, so a platform gets the same Chinese messages as a school uploading
a file. Teachers come from `Teacher.objects.restrict(by, "change")`, projects from
`TrainingProject.objects.restrict(by, "view").approved()`; an item pointing outside the
client's jurisdiction is an item error. Nothing is written unless every item is valid.

A push is idempotent twice over: records are matched by (teacher, project), as in the import,
and each item's `external_id` (the platform's own id) is kept in `ExternalRecordKey`, so a
resend finds the same records and changes nothing. With an `Idempotency-Key` the answer is
also stored for 24 hours, under the SHA-256 of the whole key, and replayed as is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from credits.intake.columns import COLUMNS, Table
from credits.intake.planning import plan_rows  # the import's row check (docs/api.md)
from credits.intake.rows import parse_row
from credits.intake.writing import write_plan
from platforms.models import ApiClient, ExternalRecordKey
from platforms.services import (
    idempotent_response,
    keep_external_record_keys,
    store_idempotent_response,
)

MAX_ITEMS = 1000
ITEM_FIELDS = tuple(c.key for c in COLUMNS)  # id_number, name, project_code, hours, …
# The import's parser reads cells by position; the API hands it one "row" per item.
_API_TABLE = Table(
    positions={key: index for index, key in enumerate(ITEM_FIELDS)},
    letters={},
    header_row=0,
    ignored=[],
    rows=(),
    estimate=0,
)


# -- errors -------------------------------------------------------------------------------------
class PushError(DomainError):
    """A bulk push of training records was refused; nothing was written."""

    code = "push_error"


class InvalidItems(PushError):
    """Some items are invalid; each has its own message, and nothing was written."""

    code = "invalid_items"
    message = _(
        "共 %(count)d 条记录有误，本次没有写入任何记录。请按 errors 中的说明逐条修改后重新提交全部记录。"
    )

    def __init__(self, errors: Sequence[ItemError]):
        self.errors = list(errors)
        super().__init__(count=len({e.index for e in self.errors}))


class PushNeedsClient(PushError):
    """Bulk pushes are for API clients; browser users import Excel files."""

    code = "push_needs_client"
    message = _("批量推送只对接口客户端开放。学校请使用“导入培训记录”页面上传 Excel 表格。")
    status = 403


class PushFromReadOnlyClient(PushError):
    """A read-only client tried to push."""

    code = "read_only_client"
    message = _("该接口客户端为只读，不能提交或修改数据。如需推送数据，请联系教育局改为读写权限。")
    status = 403


class IdempotencyKeyReused(PushError):
    """The Idempotency-Key was used within 24 hours for a different request body."""

    code = "idempotency_key_reused"
    message = _(
        "幂等键“%(key)s”在 24 小时内已用于内容不同的请求。重发同一批数据请保持内容不变；"
        "新的一批数据请使用新的幂等键。"
    )
    status = 409


class IdempotencyKeyTooLong(PushError):
    """The Idempotency-Key header is longer than the API keeps."""

    code = "idempotency_key_too_long"
    message = _("幂等键过长：最多 %(limit)d 个字符，收到 %(length)d 个。请使用更短的幂等键。")


class PushConflict(PushError):
    """Another request wrote the same records, external ids or key at the same moment."""

    code = "push_conflict"
    message = _(
        "另一个请求同时写入了相同的培训记录、外部编号或幂等键，本次没有写入任何记录。请稍后重新提交。"
    )
    status = 409


ITEM_MESSAGES = {
    "duplicate_external_id": _(
        "外部编号“%(value)s”与第 %(first)d 行重复：同一次推送中每条记录的外部编号必须不同。"
    ),
    "external_id_moved": _(
        "外部编号“%(value)s”已用于另一条培训记录（记录 ID %(record)d），不能改指其他教师或项目。"
        "新的记录请使用新的外部编号。"
    ),
    "record_has_other_key": _(
        "该教师在此项目的记录（记录 ID %(record)d）已用外部编号“%(other)s”推送过，"
        "请沿用原外部编号，不要换号。"
    ),
}


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemError:
    """One problem of one item: which item, which field (None: the whole item) and what to do,
    in Chinese."""

    index: int
    external_id: str
    field: str | None
    message: str


@dataclass(frozen=True)
class PushedItem:
    index: int
    external_id: str
    record: int
    action: str  # created, updated or unchanged


@dataclass(frozen=True)
class PushResult:
    """What a push did, by item; `is_replay` when it is the stored answer to a resent key."""

    created: int
    updated: int
    unchanged: int
    items: list[PushedItem] = field(default_factory=list)
    is_replay: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "items": [
                {
                    "index": i.index,
                    "external_id": i.external_id,
                    "record": i.record,
                    "action": i.action,
                }
                for i in self.items
            ],
        }


def shorten(value: object, limit: int = 50) -> str:
    """Return `value` as text of at most `limit` characters, cut with "…": what an error quotes."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stored_key(idempotency_key: str) -> str:
    """Return what is stored for an Idempotency-Key: the SHA-256 of the whole key, so keys of
    any length up to the limit fit the column and two keys never share an answer."""
    return hashlib.sha256(idempotency_key.encode("utf-8", "surrogatepass")).hexdigest()


def request_digest(items: Sequence[Mapping[str, Any]]) -> str:
    """Return the SHA-256 of the items as canonical JSON: what an Idempotency-Key is bound to."""
    canonical = json.dumps(list(items), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- the service --------------------------------------------------------------------------------
def push_training_records(
    *,
    by,
    client: ApiClient | None,
    items: Sequence[Mapping[str, Any]],
    idempotency_key: str = "",
) -> PushResult:
    """Create or update up to 1,000 training records of `client`'s jurisdiction, all or none.

    New records are drafts (待申报). An item matching a stored record of the same teacher and
    project updates it as the Excel import would (a rejected one goes back to draft; a
    declared or approved one cannot change), or leaves it unchanged. Items that cannot be true
    (`projects.plausibility`: hours above the project's, dates outside it or after today,
    another school's school-based project) are item errors. Raises InvalidItems listing every
    item error when any item is invalid; nothing is written then. History names `by`.
    """
    if client is None:
        raise PushNeedsClient()
    if client.is_read_only:
        raise PushFromReadOnlyClient()
    digest = request_digest(items) if idempotency_key else ""
    key_hash = stored_key(idempotency_key) if idempotency_key else ""
    if key_hash:
        stored = idempotent_response(client=client, key=key_hash)
        if stored is not None:
            if stored.request_hash != digest:
                raise IdempotencyKeyReused(key=shorten(idempotency_key))
            return _replayed(stored.response)
    rows = [
        parse_row(index + 1, tuple(item.get(key) for key in ITEM_FIELDS), _API_TABLE)
        for index, item in enumerate(items)
    ]
    external_ids = [str(item["external_id"]) for item in items]
    try:
        with transaction.atomic():
            result = _push(rows, external_ids, by=by, client=client)
            if key_hash:
                store_idempotent_response(
                    client=client,
                    key=key_hash,
                    request_hash=digest,
                    status_code=200,
                    response=result.to_json(),
                )
    except IntegrityError:
        raise PushConflict() from None
    return result


def _replayed(response: dict[str, Any]) -> PushResult:
    return PushResult(
        created=response["created"],
        updated=response["updated"],
        unchanged=response["unchanged"],
        items=[PushedItem(**item) for item in response["items"]],
        is_replay=True,
    )


def _push(rows, external_ids: list[str], *, by, client: ApiClient) -> PushResult:
    plan = plan_rows(rows, by, lock=True)
    errors = [
        ItemError(index=row.row - 1, external_id=external_ids[row.row - 1], field=key, message=msg)
        for row in rows
        for key, msg in row.errors
    ]
    naturals = _natural_keys(rows, plan)
    key_errors, known = _external_id_errors(external_ids, naturals, plan.records, client)
    errors += key_errors
    if errors:
        raise InvalidItems(sorted(errors, key=lambda e: (e.index, e.field)))
    reason = _t("接口推送：%(client)s") % {"client": client.name}
    creates = write_plan(plan, by=by, reason=reason)
    records = dict(plan.records)
    records.update(((r.teacher_id, r.project_id), r.pk) for r in creates)
    keep_external_record_keys(
        client=client,
        keys=[
            (external_id, records[natural])
            for external_id, natural in zip(external_ids, naturals, strict=True)
            if external_id not in known
        ],
    )
    items = [
        PushedItem(index=index, external_id=external_id, record=records[natural], action=action)
        for index, (external_id, natural, action) in enumerate(
            zip(external_ids, naturals, plan.actions, strict=True)
        )
    ]
    return PushResult(
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=sum(1 for item in items if item.action == "unchanged"),
        items=items,
    )


def _natural_keys(rows, plan) -> list[tuple[int, int] | None]:
    """Return each valid row's (teacher id, project id), or None for a row with errors.

    A row is valid only if the plan found its teacher and project through `restrict()`; the
    plan kept their ids, so nothing is looked up again.
    """
    return [None if row.errors else plan.keys[row.row] for row in rows]


def _external_id_errors(external_ids, naturals, existing, client) -> tuple[list[ItemError], set]:
    """Check that each external id names one record, and each record keeps one external id.

    Returns the errors and the external ids the client already used.
    """
    errors = []
    first: dict[str, int] = {}
    for index, external_id in enumerate(external_ids):
        if external_id in first:
            message = _t(str(ITEM_MESSAGES["duplicate_external_id"])) % {
                "value": external_id,
                "first": first[external_id] + 1,
            }
            errors.append(ItemError(index, external_id, "external_id", message))
        else:
            first[external_id] = index
    keys = {
        key.external_id: key
        for key in ExternalRecordKey.objects.filter(
            client=client, external_id__in=list(first)
        ).select_related("record")
    }
    record_ids = [existing[n] for n in naturals if n is not None and n in existing]
    key_of_record = dict(
        ExternalRecordKey.objects.filter(client=client, record_id__in=record_ids).values_list(
            "record_id", "external_id"
        )
    )
    for index, (external_id, natural) in enumerate(zip(external_ids, naturals, strict=True)):
        if natural is None or first.get(external_id) != index:
            continue
        key = keys.get(external_id)
        if key is not None and (key.record.teacher_id, key.record.project_id) != natural:
            message = _t(str(ITEM_MESSAGES["external_id_moved"])) % {
                "value": external_id,
                "record": key.record_id,
            }
            errors.append(ItemError(index, external_id, "external_id", message))
            continue
        record_id = existing.get(natural)
        other = key_of_record.get(record_id) if record_id is not None else None
        if other is not None and other != external_id:
            message = _t(str(ITEM_MESSAGES["record_has_other_key"])) % {
                "record": record_id,
                "other": other,
            }
            errors.append(ItemError(index, external_id, "external_id", message))
    return errors, set(keys)
