"""History rows of bulk writes, copied by PostgreSQL from the rows as they were just written.

`simple_history.utils.bulk_create_with_history` builds one historical model instance per row in
Python and has Django prepare every value of it again for the INSERT: for 1,000 training
records that is more time than the INSERT of the records themselves. Where a bulk write is on a
measured hot path (the API's bulk push, docs/benchmarks.md), `write_bulk_history` writes the
same history rows with one `INSERT … SELECT` from the source table instead: the tracked columns
as stored, the history date, user, change reason and type, exactly as `bulk_history_create`
would. Other databases (the SQLite demo) take simple_history's own path.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model, get_history_model_for_model

CREATED = "+"
CHANGED = "~"


def write_bulk_history(
    objs: Sequence[Model], model: type[Model], *, by, reason: str, changed: bool = False
) -> None:
    """Record one history row for each saved object of `objs`, as `bulk_history_create` does.

    Call it in the transaction that wrote the rows, after they were written: the history copies
    them as stored. `changed` marks updates (`~`) rather than creations (`+`).
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if connection.vendor != "postgresql":
        get_history_manager_for_model(model).bulk_history_create(
            objs, update=changed, default_user=by, default_change_reason=reason
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _copy_sql(model),
            [
                timezone.now(),
                by.pk if by is not None else None,
                reason or "",
                CHANGED if changed else CREATED,
                [obj.pk for obj in objs],
            ],
        )


def _copy_sql(model: type[Model]) -> str:
    history = get_history_model_for_model(model)
    quote = connection.ops.quote_name
    fields = history.tracked_fields  # the source model's fields that the history keeps
    targets = [quote(history._meta.get_field(field.name).column) for field in fields]
    targets += [
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_user", "history_change_reason", "history_type")
    ]
    sources = [quote(field.column) for field in fields]
    return (
        f"INSERT INTO {quote(history._meta.db_table)} "  # nosec B608 # noqa: S608 model metadata
        f"({', '.join(targets)}) "
        f"SELECT {', '.join(sources)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s) ORDER BY {quote(model._meta.pk.column)}"
    )
