"""The Celery application; periodic schedules are declared here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("xuefentong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# django-celery-beat's DatabaseScheduler copies these into its PeriodicTask table, where
# officers see and change them in the admin.
app.conf.beat_schedule = {
    # Every night at 02:00 Beijing time: recompute every teacher's progress, list anomalies,
    # allocate certificate numbers and issue certificates for newly complete cycles.
    "nightly-cycle-audit": {
        "task": "audit.tasks.run_nightly_audit",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every 15 minutes: mark audit runs failed that have been running for longer than
    # AUDIT_RUN_TIMEOUT_MINUTES (their counties' tasks were lost); the next night redoes them.
    "close-stale-audit-runs": {
        "task": "audit.tasks.close_stale_audit_runs",
        "schedule": crontab(minute="*/15"),
    },
    # Every night at 03:30: drop API call-log lines older than API_CALL_LOG_RETENTION_DAYS.
    "purge-api-call-log": {
        "task": "platforms.tasks.purge_api_call_log",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every night at 04:15: delete the working files of Excel uploads older than two days,
    # also for schools that never upload again (they hold teachers' ID numbers).
    "purge-expired-import-uploads": {
        "task": "imports.tasks.purge_expired_uploads",
        "schedule": crontab(hour=4, minute=15),
    },
    # Every night at 04:00: delete certificate PDFs whose issue rolled back (no row refers to
    # them), once they are an hour old.
    "purge-orphan-certificate-pdfs": {
        "task": "certificates.tasks.purge_orphan_certificate_pdfs",
        "schedule": crontab(hour=4, minute=0),
    },
}
