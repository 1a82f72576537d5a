"""What Celery tasks that touch the database share: how they retry."""

from django.conf import settings
from django.db import InterfaceError, OperationalError

RETRYABLE = (OperationalError, InterfaceError, ConnectionError)
# Database and broker errors are retried with a back-off that spans a database restart:
# 10, 20, 40, 80 s, then every 120 s, 8 tries (about 10 minutes; AUDIT_RETRY_*). No jitter:
# Celery's is "full" (anywhere from 0 to the back-off), which spent 5 retries in seconds; the
# workers' concurrency already spreads the counties' retries out.
RETRY = {
    "autoretry_for": RETRYABLE,
    "retry_backoff": settings.AUDIT_RETRY_BACKOFF,
    "retry_backoff_max": settings.AUDIT_RETRY_BACKOFF_MAX,
    "retry_jitter": False,
    "max_retries": settings.AUDIT_RETRY_MAX,
}
