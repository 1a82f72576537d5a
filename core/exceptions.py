"""Domain errors translated to HTTP at the API edge (the errors themselves: core.errors).

Every answer of the API that is not a success has one JSON shape, `{"code", "message"}` plus
`params` or `errors` (docs/api.md): DRF's own errors, our domain errors, and also what DRF
leaves to Django: a body over the size limit (413), the database out of reach (503) and any
other uncaught exception (500, logged with its traceback, answered without it).
`api_error_response` and the `handler*` views give the same shape to requests that fail
outside a DRF view (an unknown /api/ address, a middleware that cannot reach the database).
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, InternalError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from .errors import DomainError

request_logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
# Seconds a client should wait before retrying when the database is out of reach: about
# what PostgreSQL takes to restart after a crash.
RETRY_AFTER_SECONDS = 10
# Errors of the database connection itself (down, restarting, connection lost mid-request),
# as opposed to a statement's own error (DataError, IntegrityError, ProgrammingError), a bug.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, InternalError)

ERROR_MESSAGES = {
    "bad_request": _("请求无效，无法处理。请检查请求的地址、请求头和请求体。"),
    "not_found": _("未找到该记录，或无权查看。"),
    "permission_denied": _("无权执行此操作。"),
    "request_too_large": _("请求体过大：最多 %(limit)d 字节。请分批提交（每批最多 1000 条记录）。"),
    "server_error": _("服务器内部错误，本次请求没有完成。请稍后重试；如果一直出现，请联系管理员。"),
    "service_unavailable": _(
        "数据库暂时无法访问，本次请求没有完成。请在 %(retry_after)d 秒后重试。"
    ),
}


def api_exception_handler(exc, context):
    """Return every API error as {"code", "message", "params"} (and "errors" for field errors).

    Exceptions DRF does not know become a JSON 413 (body too large), 503 with Retry-After (the
    database is out of reach) or 500 (anything else, logged with its traceback).
    """
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": str(exc), "params": _jsonable(exc.params)},
            status=exc.status,
        )
    request = context.get("request") if context else None
    if isinstance(exc, RequestDataTooBig):
        body, code = _too_large()
        return Response(body, status=code)
    if isinstance(exc, SuspiciousOperation):
        return Response(_body("bad_request"), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UNAVAILABLE_ERRORS):
        set_rollback()
        _log_failure(request, exc, status.HTTP_503_SERVICE_UNAVAILABLE)
        body, code, headers = _unavailable()
        return Response(body, status=code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(ERROR_MESSAGES["not_found"])
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(ERROR_MESSAGES["permission_denied"])
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("请求体不是有效的 JSON，请检查格式（引号、逗号、括号）。"))
    response = exception_handler(exc, context)
    if response is None:
        set_rollback()
        _log_failure(request, exc, status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(_body("server_error"), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": str(_("提交的数据有误，请按提示修改。")),
            "errors": response.data,
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = {
            "code": getattr(detail, "code", None) or exc.default_code,
            "message": str(detail),
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["code"] = "throttled"
    return response


def _jsonable(value):
    """Return `value` with JSON types only: lists stay lists, anything else becomes text."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(item) for item in items]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# -- the same shape outside DRF's views ----------------------------------------------------------
def _body(code: str, **params) -> dict:
    message = str(ERROR_MESSAGES[code]) % params if params else str(ERROR_MESSAGES[code])
    return {"code": code, "message": message, **({"params": params} if params else {})}


def _too_large() -> tuple[dict, int]:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _body("request_too_large", limit=limit), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def _unavailable() -> tuple[dict, int, dict]:
    return (
        _body("service_unavailable", retry_after=RETRY_AFTER_SECONDS),
        status.HTTP_503_SERVICE_UNAVAILABLE,
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _log_failure(request, exc: BaseException, status_code: int) -> None:
    """Log an exception the answer does not show, with its traceback, as Django logs a 500."""
    django_request = getattr(request, "_request", request)
    request_logger.error(
        "%s: %s",
        "Service Unavailable" if status_code == 503 else "Internal Server Error",
        getattr(django_request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": status_code, "request": django_request},
    )


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error_response(request, status_code: int, exception: BaseException | None = None):
    """Return the JSON error of `status_code` for a request that failed outside a DRF view."""
    if status_code == 500 and isinstance(exception, UNAVAILABLE_ERRORS):
        body, status_code, headers = _unavailable()
    elif status_code == 400 and isinstance(exception, RequestDataTooBig):
        (body, status_code), headers = _too_large(), {}
    else:
        code = {400: "bad_request", 403: "permission_denied", 404: "not_found"}.get(
            status_code, "server_error"
        )
        body, headers = _body(code), {}
    response = JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


# Django's error views (config/urls.py handler400 … handler500): JSON under /api/, HTML elsewhere.
def bad_request(request, exception):
    if is_api_request(request):
        return api_error_response(request, 400, exception)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api_request(request):
        return api_error_response(request, 403, exception)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api_request(request):
        return api_error_response(request, 404, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        return api_error_response(request, 500, sys.exc_info()[1])
    return defaults.server_error(request)
