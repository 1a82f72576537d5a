from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The nightly audit's one home: each county's progress recomputed (the rule engine, or
    the policy compiled to SQL), its anomalies found, then its numbers and certificates; the
    Celery tasks and `run_audit` that run it. The stored rows it writes are credits models."""

    name = "audit"
    verbose_name = _("夜间审核")
