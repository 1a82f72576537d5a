"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the URLconf now (Django does on the first request), then move everything loaded so far
# out of the garbage collector's sight. A worker holds a few hundred thousand objects once
# Django, DRF and the apps are imported, and each full collection walked them all again: under
# load that took 120-280 ms of a worker every few seconds, which was the API's p99
# (docs/benchmarks.md, "Garbage collection"). Python's documentation advises gc.freeze() for
# servers that load once and then serve; the frozen objects live as long as the process anyway.
get_resolver().resolve("/healthz")
gc.freeze()
