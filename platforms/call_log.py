"""The call log: one line per call of a client, written in batches."""

from __future__ import annotations

import atexit
import datetime
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import ApiCallLog

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
    by default); return how many. Run nightly by `platforms.tasks.purge_api_call_log`."""
    days = older_than_days or getattr(settings, "API_CALL_LOG_RETENTION_DAYS", 180)
    deleted, _per_model = ApiCallLog.objects.filter(
        at__lt=timezone.now() - datetime.timedelta(days=days)
    ).delete()
    return deleted
