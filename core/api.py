"""Plumbing of the REST API: pagination, serializers, the schema and the restricted bases.

Who may call (bearer tokens of API clients, browser sessions), read-only clients and the
per-client rate come from REST_FRAMEWORK's defaults in settings, which name the platforms
app's classes (`platforms.authentication`); this package knows no app. Every resource is a
`RestrictedViewSet`: its queryset goes through `Model.objects.restrict(request.user, action)`
with the action taken from the HTTP method, as NetBox's `BaseViewSet` does.
"""

from __future__ import annotations

import copy
from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, mixins, pagination, permissions, serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.relations import ManyRelatedField
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .api_queries import ApiFilterBackend, document_parameter
from .permissions import can

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


# -- permissions ---------------------------------------------------------------------------------
class ModelPermission(permissions.BasePermission):
    """Answer 403 when the role may not perform the action on the model at all (rows aside)."""

    message = _("您的账号无权查看或操作这类数据。")

    def has_permission(self, request, view):
        model = getattr(view, "permission_model", None) or getattr(
            getattr(view, "queryset", None), "model", None
        )
        if model is None:
            return True
        # A command names its action (approve, review …); a resource's follows the method.
        action = getattr(view, "permission_action", None) or HTTP_ACTIONS.get(
            request.method, "view"
        )
        return can(request.user, model, action)


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
    (core/api_queries.py), and the item limits of list bodies."""

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
    """The JSON parser, content negotiation and schema of every endpoint.

    Authentication, the base permissions and throttling are REST_FRAMEWORK's defaults
    (settings): API clients' bearer tokens and browser sessions, read-only clients refused
    writes, each client's own rate. Each client's calls are logged by
    `platforms.middleware.ApiCallLogMiddleware`.
    """

    parser_classes = [ApiJSONParser]
    content_negotiation_class = RememberingContentNegotiation
    schema = ApiAutoSchema()


class ApiView(ApiViewMixin, APIView):
    """A command or computed read (HackSoft's API): nested Input/Output serializers.

    `permission_model` names the model whose permission the HTTP method's action needs.
    """

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ModelPermission]
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

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ModelPermission]
    filter_backends = [ApiFilterBackend, SyncOrderingFilter]
    lookup_value_regex = "[0-9]{1,19}"  # an id: anything else is a 404 before any query
    pagination_class = SyncCursorPagination
    ordering_fields = ["updated_at"]

    def get_queryset(self):
        action = HTTP_ACTIONS.get(self.request.method, "view")
        return super().get_queryset().restrict(self.request.user, action)
