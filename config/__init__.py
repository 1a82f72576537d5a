"""Project configuration: settings, URLs, Celery and the plumbing no domain owns."""

from .celery import app as celery_app

__all__ = ("celery_app",)
