"""Domain errors and their translation to HTTP at the API edge."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""

    code = "domain_error"
    message = _("操作未完成。")
    status = 400

    def __init__(self, **params):
        self.params = params
        super().__init__(self.code)

    def __str__(self):
        return str(self.message) % self.params


def api_exception_handler(exc, context):
    """Return every API error as {"code", "message", "params"} (and "errors" for field errors)."""
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": str(exc), "params": _jsonable(exc.params)},
            status=exc.status,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到该记录，或无权查看。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("无权执行此操作。"))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("请求体不是有效的 JSON，请检查格式（引号、逗号、括号）。"))
    response = exception_handler(exc, context)
    if response is None:
        return None
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
