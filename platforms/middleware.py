"""The call log's middleware: one line per call of an API client, after its answer is built."""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError

from .call_log import log_api_call

logger = logging.getLogger(__name__)


class ApiCallLogMiddleware:
    """Log each call that an API client's token authenticated (`request.api_client`, set by
    `ApiClientAuthentication`): method, path, status and how long the portal took."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        client = getattr(request, "api_client", None)
        if client is not None:
            try:
                log_api_call(
                    client_id=client.pk,
                    method=request.method,
                    path=request.path,
                    status=response.status_code,
                    duration_ms=round((time.perf_counter() - started) * 1000),
                )
            except DatabaseError:  # the answer matters more than its log line
                logger.exception("API call of client %s not logged", client.pk)
        return response
