"""The query string of the API's lists: what each parameter accepts, checked and documented alike.

django-filter and DRF's paginators are lenient: `page_size=abc` falls back to the default,
`teacher=1.5` is read as a decimal, `is_complete=null` as "either", a repeated parameter
silently takes its last value, and a 30-digit id reaches the database (a 500 on SQLite). For
the API every declared parameter is checked first, by its kind:

- integer (ids, `page`, `page_size`): digits, within a 64-bit integer;
- boolean: `true` or `false` (also `True`/`False`, `1`/`0`, as django-filter reads them);
- text (words, dates, search terms, `ordering`): at most 64 characters, `cursor` 512, and no
  NUL character (Django's forms refuse it, PostgreSQL could not take it);

each at most once, and empty meaning "not given", as django-filter has always read it.
Anything else is a 400 in the API's error shape, naming the parameter without repeating a
long value. `document_parameter` writes the same rules into the OpenAPI schema, so the
schema says what the API accepts.
"""

from __future__ import annotations

import re

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
TEXT_MAX = 64
LONG_TEXT_MAX = {"cursor": 512}
PAGINATION_KINDS = {"cursor": "text", "page": "integer", "page_size": "integer"}
BOOLEAN_WORDS = frozenset({"true", "false", "True", "False", "1", "0"})
_INTEGER = re.compile(r"-?[0-9]{1,19}")

MESSAGES = {
    "repeated": _("参数“%(name)s”只能出现一次。"),
    "too_long": _("参数“%(name)s”过长：最多 %(limit)d 个字符。"),
    "integer": _("参数“%(name)s”应为整数（最多 19 位）。"),
    "boolean": _("参数“%(name)s”应为 true 或 false。"),
    "nul": _("参数“%(name)s”不能含有空字符（NUL）。"),
}


def kind_of_filter(field) -> str:
    """Return "integer", "boolean" or "text": how a django-filter filter's value is read."""
    if isinstance(field, django_filters.NumberFilter):
        return "integer"  # every NumberFilter of the API is an id
    if isinstance(field, django_filters.BooleanFilter):
        return "boolean"
    return "text"


def declared_parameters(view) -> dict[str, str]:
    """Return {parameter: kind} of a list view: its filters, ordering and pagination."""
    kinds = {}
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        kinds.update(
            (name, kind_of_filter(field)) for name, field in filterset_class.base_filters.items()
        )
    if getattr(view, "ordering_fields", None):
        kinds["ordering"] = "text"
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        for attribute in ("cursor_query_param", "page_query_param", "page_size_query_param"):
            name = getattr(paginator, attribute, None)
            if name:
                kinds[name] = PAGINATION_KINDS.get(attribute.removesuffix("_query_param"), "text")
    return kinds


def check_query(query_params, kinds: dict[str, str]) -> None:
    """Raise a 400 ValidationError naming every declared parameter whose value breaks its kind."""
    errors = {}
    for name, kind in kinds.items():
        values = query_params.getlist(name)
        if not values:
            continue
        problem = _problem(name, kind, values)
        if problem is not None:
            errors[name] = [problem]
    if errors:
        raise exceptions.ValidationError(errors)


def _problem(name: str, kind: str, values: list[str]) -> str | None:
    if len(values) > 1:
        return str(MESSAGES["repeated"]) % {"name": name}
    value = values[0]
    if value == "":
        return None
    if kind == "integer":
        if _INTEGER.fullmatch(value) is None or not INT64_MIN <= int(value) <= INT64_MAX:
            return str(MESSAGES["integer"]) % {"name": name}
    elif kind == "boolean":
        if value not in BOOLEAN_WORDS:
            return str(MESSAGES["boolean"]) % {"name": name}
    elif len(value) > LONG_TEXT_MAX.get(name, TEXT_MAX):
        return str(MESSAGES["too_long"]) % {
            "name": name,
            "limit": LONG_TEXT_MAX.get(name, TEXT_MAX),
        }
    elif "\x00" in value:
        return str(MESSAGES["nul"]) % {"name": name}
    return None


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend, after the declared parameters were checked by kind."""

    def filter_queryset(self, request, queryset, view):
        check_query(request.query_params, declared_parameters(view))
        return super().filter_queryset(request, queryset, view)


# -- the schema ----------------------------------------------------------------------------------
_EMPTY = {"type": "string", "enum": [""]}
NO_NUL = "^[^\\x00]*$"


def document_parameter(parameter: dict) -> dict:
    """Write a query parameter's rules (bounds, length, empty allowed) into its schema."""
    if parameter.get("in") != "query":
        return parameter
    schema = dict(parameter.get("schema", {}))
    kind = schema.get("type")
    if kind == "integer":
        schema.update(format="int64", minimum=INT64_MIN, maximum=INT64_MAX)
        schema = {"anyOf": [schema, _EMPTY]}
    elif kind == "boolean":
        schema = {"anyOf": [schema, _EMPTY]}
    elif kind == "string" and "enum" in schema:
        schema["enum"] = [*schema["enum"], ""] if "" not in schema["enum"] else schema["enum"]
    elif kind == "string" and "format" in schema:
        schema = {"anyOf": [schema, _EMPTY]}
    elif kind == "string":
        schema["maxLength"] = LONG_TEXT_MAX.get(parameter["name"], TEXT_MAX)
        schema["pattern"] = NO_NUL  # Django's forms refuse a NUL; PostgreSQL could not take it
    return {**parameter, "schema": schema}
