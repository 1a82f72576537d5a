"""Plumbing of the REST API: authentication, throttling, pagination and the restricted bases.

Machines authenticate with `Authorization: Bearer <token>` as an `ApiClient`, whose service
account (`request.user`) is an officer of the client's unit, so `restrict()` scopes them like
any officer; browser users use their session. Every resource is a `RestrictedViewSet`: its
queryset goes through `Model.objects.restrict(request.user, action)` with the action taken from
the HTTP method, as NetBox's `BaseViewSet` does. Every call of a client is logged.
"""

from __future__ import annotations

import copy
import logging
import time
from typing import ClassVar

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, mixins, pagination, permissions, serializers, viewsets
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.relations import ManyRelatedField
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from institutions.api_clients import ApiClient, active_client_for_token, log_api_call

from .api_queries import ApiFilterBackend, document_parameter
from .api_rates import WINDOW_SECONDS as THROTTLE_WINDOW_SECONDS
from .api_rates import count_request
from .permissions import can

logger = logging.getLogger(__name__)

# NetBox's HTTP_ACTIONS: the permission action each HTTP method needs.
HTTP_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}
# Requests a signed-in browser user may make per minute; clients have their own limit.
SESSION_REQUESTS_PER_MINUTE = 600


def client_of(request) -> ApiClient | None:
    """Return the API client that authenticated `request`, or None for a browser user."""
    auth = getattr(request, "_auth", None)  # read without running authentication again
    return auth if isinstance(auth, ApiClient) else None


# -- authentication ------------------------------------------------------------------------------
class ApiClientAuthentication(BaseAuthentication):
    """Authenticate a platform by `Authorization: Bearer <token>` as its client's account."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 头应写作“Bearer <令牌>”，令牌中不能有空格。")
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效、已更换或已吊销。")) from None
        client = active_client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已更换或已吊销。"))
        return client.user, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.ApiClientAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "接口客户端令牌，由教育局登记客户端时生成 / API client token",
        }


# -- permissions ---------------------------------------------------------------------------------
class ReadOnlyClientPermission(permissions.BasePermission):
    """Refuse every unsafe method to a read-only client."""

    message = _("该接口客户端为只读，不能提交或修改数据。如需推送数据，请联系教育局改为读写权限。")
    code = "read_only_client"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        client = client_of(request)
        return client is None or not client.is_read_only


class ModelPermission(permissions.BasePermission):
    """Answer 403 when the role may not perform the action on the model at all (rows aside)."""

    message = _("您的账号无权查看或操作这类数据。")

    def has_permission(self, request, view):
        model = getattr(view, "permission_model", None) or getattr(
            getattr(view, "queryset", None), "model", None
        )
        if model is None:
            return True
        return can(request.user, model, HTTP_ACTIONS.get(request.method, "view"))


# -- throttling ----------------------------------------------------------------------------------
class ApiClientThrottle(BaseThrottle):
    """Count requests per client (or per signed-in user) in fixed one-minute windows.

    The limit is the client's `requests_per_minute`. Counts go to the shared cache in batches
    (`config.api_rates`): a Redis round trip per request cost more than the rest of the
    throttle and the token check together.
    """

    def allow_request(self, request, view):
        client = client_of(request)
        if client is not None:
            key, limit = f"api-rate:c{client.pk}", client.requests_per_minute
        elif request.user.is_authenticated:
            key, limit = f"api-rate:u{request.user.pk}", SESSION_REQUESTS_PER_MINUTE
        else:
            return True
        allowed, self.retry_after = count_request(key, limit)
        return allowed

    def wait(self):
        return getattr(self, "retry_after", THROTTLE_WINDOW_SECONDS)


# -- content negotiation -------------------------------------------------------------------------
class RememberingContentNegotiation(DefaultContentNegotiation):
    """DRF's content negotiation, remembering its answer for each Accept header.

    Parsing the Accept header and matching it against the renderers cost about a tenth of a
    cached progress request; platforms send the same header on every call.
    """

    MAX_ANSWERS = 1000
    _answers: ClassVar[dict] = {}

    def select_renderer(self, request, renderers, format_suffix=None):
        format = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        key = (
            tuple(type(renderer) for renderer in renderers),
            format,
            request.META.get("HTTP_ACCEPT", "*/*"),
        )
        answer = self._answers.get(key)
        if answer is not None:
            index, media_type = answer
            return renderers[index], media_type
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(self._answers) < self.MAX_ANSWERS:  # odd headers beyond that are parsed each time
            index = next(i for i, r in enumerate(renderers) if r is renderer)
            self._answers[key] = (index, media_type)
        return renderer, media_type


# -- parsing -------------------------------------------------------------------------------------
class ApiJSONParser(JSONParser):
    """DRF's JSON parser, refusing JSON nested too deep to read (Python's recursion limit) with
    a 400 like any other unreadable body, instead of an uncaught RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("请求体的 JSON 嵌套层数过多，无法读取。")) from None


# -- pagination ----------------------------------------------------------------------------------
PAGE_DESCRIPTIONS = {
    "count": "符合条件的总条数 / number of matching rows",
    "next": "下一页的链接，没有则为空 / link to the next page, null on the last",
    "previous": "上一页的链接，没有则为空 / link to the previous page, null on the first",
    "results": "本页的数据 / the rows of this page",
}


def _describe_page(schema: dict) -> dict:
    for name, spec in schema["properties"].items():
        spec["description"] = PAGE_DESCRIPTIONS[name]
    return schema


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages for short lists (units)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "页码，从 1 起 / page number, from 1"
    page_size_query_description = "每页条数，最多 500 / rows per page, at most 500"

    def get_paginated_response_schema(self, schema):
        return _describe_page(super().get_paginated_response_schema(schema))


class SyncCursorPagination(pagination.CursorPagination):
    """Cursor pages ordered by (`updated_at`, pk) for incremental sync; stable under writes.

    A view names another time field with `sync_field` (the ledger's `posted_at`). The order is
    ascending, or descending with `ordering=-<field>`.
    """

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("updated_at", "pk")
    cursor_query_description = "上一页 next 链接中的游标 / the cursor from the previous next link"
    page_size_query_description = "每页条数，最多 1000 / rows per page, at most 1000"

    def get_paginated_response_schema(self, schema):
        return _describe_page(super().get_paginated_response_schema(schema))

    def get_ordering(self, request, queryset, view):
        field = getattr(view, "sync_field", "updated_at")
        if request.query_params.get("ordering") == f"-{field}":
            return (f"-{field}", "-pk")
        return (field, "pk")


# -- serializers ---------------------------------------------------------------------------------
# Field classes whose to_representation reads nothing but the value (no parent, no context).
PLAIN_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.IntegerField,
    serializers.JSONField,
)


class _Fallback(Exception):
    """This row needs DRF's own rendering (a relation on the way to a value is missing)."""


class OutputModelSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer that renders rows without rebuilding its fields each time.

    DRF rebuilds every field from the model's metadata for each serializer and walks them for
    each row; on the hot read endpoints that costs more than the queries. Here the fields are
    built once per class, and a row is rendered by a plan made from those same fields: for each
    one, how to read its value and which field's to_representation turns it into JSON. Fields
    the plan cannot take (nested serializers, to-many relations) make the class use DRF's
    rendering; tests/api/test_fast_rendering.py checks both give the same JSON.
    """

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        """Keep `allow_blank` on read-only fields, so the schema says a blank value (a record's
        grade before it is graded) can come back; DRF drops it from read-only fields."""
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs

    def get_fields(self):
        template = type(self).__dict__.get("_built_fields")
        if template is None:
            template = super().get_fields()
            type(self)._built_fields = template
        # A plain field keeps its per-use state (name, parent) in attributes set when bound, so
        # a shallow copy is a fresh field; nested serializers and to-many fields are deep-copied.
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer | ManyRelatedField)
            else copy.copy(field)
            for name, field in template.items()
        }

    def to_representation(self, instance):
        plan = type(self).__dict__.get("_render_plan")
        if plan is None:
            plan = self._render_plan_for_class()
            type(self)._render_plan = plan
        if not plan:
            return super().to_representation(instance)
        try:
            return {name: render(self, instance) for name, render in plan}
        except _Fallback:
            return super().to_representation(instance)

    def _render_plan_for_class(self):
        """Return [(name, render(serializer, row))], or [] when DRF must render this class."""
        self.fields  # noqa: B018 builds the class's field template
        plan = []
        for name, field in type(self)._built_fields.items():
            render = _field_renderer(self.Meta.model, name, field)
            if render is None:
                return []
            plan.append((name, render))
        return plan


def _field_renderer(model, name, field):
    """Return render(serializer, row) for one field, or None when only DRF can render it."""
    if isinstance(field, serializers.SerializerMethodField):
        method = field.method_name or f"get_{name}"
        return lambda serializer, row: getattr(serializer, method)(row)
    if isinstance(field, ManyRelatedField) and isinstance(
        field.child_relation, serializers.SlugRelatedField
    ):
        source, child = field.source or name, field.child_relation
        return lambda serializer, row: [
            child.to_representation(item) for item in getattr(row, source).all()
        ]
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        attname = model._meta.get_field(field.source or name).attname
        return lambda serializer, row: getattr(row, attname)
    if not isinstance(field, PLAIN_FIELDS) or isinstance(field, serializers.ListField):
        return None
    path = (field.source or name).split(".")
    convert = field.to_representation

    def render(serializer, row):
        value = row
        for attr in path:
            if value is None:
                raise _Fallback
            value = getattr(value, attr)
        return None if value is None else convert(value)

    return render


# -- schema --------------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="错误代码 / machine-readable error code")
    message = serializers.CharField(help_text="中文说明 / message in Chinese, shown as is")
    params = serializers.DictField(
        required=False, help_text="消息中的参数 / the message's parameters"
    )
    errors = serializers.JSONField(
        required=False,
        help_text="字段或逐条错误 / field errors, or per-item errors of a bulk call",
    )


class ApiAutoSchema(AutoSchema):
    """Document what the API really does: the error answers every operation can give, in the
    one error shape (413 for those with a body), the query parameters as the API checks them
    (config/api_queries.py), and the item limits of list bodies."""

    error_codes = ("400", "401", "403", "404", "429", "500", "503")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = self.error_codes
        if self.method in ("POST", "PUT", "PATCH"):
            codes = (*codes, "413")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def _get_filter_parameters(self):
        return [document_parameter(p) for p in super()._get_filter_parameters()]

    def _get_pagination_parameters(self):
        return [document_parameter(p) for p in super()._get_pagination_parameters()]

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            if field.min_length is not None:
                schema["minItems"] = field.min_length
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
        return schema


# -- bases ---------------------------------------------------------------------------------------
class ApiViewMixin:
    """Authentication, read-only clients, throttling, the error schema and the call log."""

    authentication_classes = [ApiClientAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, ReadOnlyClientPermission]
    throttle_classes = [ApiClientThrottle]
    parser_classes = [ApiJSONParser]
    content_negotiation_class = RememberingContentNegotiation
    schema = ApiAutoSchema()

    def initialize_request(self, request, *args, **kwargs):
        self._api_started = time.perf_counter()
        return super().initialize_request(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = client_of(request)
        if client is not None:
            started = getattr(self, "_api_started", time.perf_counter())
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


class ApiView(ApiViewMixin, APIView):
    """A command or computed read (HackSoft's API): nested Input/Output serializers.

    `permission_model` names the model whose permission the HTTP method's action needs.
    """

    permission_classes = [*ApiViewMixin.permission_classes, ModelPermission]
    permission_model = None


class SyncOrderingFilter(OrderingFilter):
    ordering_description = (
        "排序：更新时间升序或降序（前加 -） / sort by the sync field, - for newest first"
    )


class RestrictedViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A read resource: `queryset`, `serializer_class`, `filterset_class`, restricted per user.

    Writes are commands (ApiView subclasses calling a service), never generic updates.
    """

    permission_classes = [*ApiViewMixin.permission_classes, ModelPermission]
    filter_backends = [ApiFilterBackend, SyncOrderingFilter]
    lookup_value_regex = "[0-9]{1,19}"  # an id: anything else is a 404 before any query
    pagination_class = SyncCursorPagination
    ordering_fields = ["updated_at"]

    def get_queryset(self):
        action = HTTP_ACTIONS.get(self.request.method, "view")
        return super().get_queryset().restrict(self.request.user, action)
