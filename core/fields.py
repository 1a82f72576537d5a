"""Model fields that hold a short list: a PostgreSQL array there, JSON text elsewhere.

The nightly audit writes a teacher's amounts per requirement row as arrays because building
JSON objects in PostgreSQL cost more than all the rest of the audit (docs/benchmarks.md). The
SQLite demo has no arrays, so the same field keeps a JSON list in a text column there.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import models


class _ListField(models.Field):
    """A list of `item` values (None allowed) — `base_type`[] on PostgreSQL, JSON elsewhere."""

    base_type = "text"

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"{self.base_type}[]"
        return "text"

    def item(self, value):
        return value

    def _items(self, values):
        return [None if v is None else self.item(v) for v in values]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, str):
            value = json.loads(value)
        return self._items(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        value = self._items(value)
        if connection.vendor == "postgresql":
            return value
        return json.dumps([None if v is None else str(v) for v in value])

    def value_to_string(self, obj):
        return json.dumps([None if v is None else str(v) for v in self.value_from_object(obj)])


class DecimalListField(_ListField):
    """Decimals in a fixed order, exact on every database (numeric[] on PostgreSQL)."""

    base_type = "numeric"
    description = "A list of decimals"

    def item(self, value):
        return value if isinstance(value, Decimal) else Decimal(str(value))


class TextListField(_ListField):
    """Short strings in a fixed order (text[] on PostgreSQL)."""

    base_type = "text"
    description = "A list of strings"

    def item(self, value):
        return str(value)
