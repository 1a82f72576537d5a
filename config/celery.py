"""The Celery application; periodic schedules are declared here and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("xuefentong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
