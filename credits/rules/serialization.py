"""PolicySpec ⇄ plain JSON-able dict, exact both ways.

Decimals travel as strings (``"0.05"``), dates as ISO strings, enums as their values,
sets as sorted lists. `spec_from_dict(spec_to_dict(s)) == s` for every valid spec, and
`spec_to_dict(spec_from_dict(d)) == d` for every dict `spec_to_dict` made. Errors name
the offending field with a dotted path (``rows.2.minimum``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from .errors import RuleError
from .types import (
    Category,
    Grade,
    GradeQuota,
    Mode,
    NewTeacherRule,
    OffsetRule,
    PolicySpec,
    Proration,
    RequirementRow,
    Scope,
    ShareCheck,
    TeacherGroup,
    Tier,
    Unit,
    YearWindow,
)

SCHEMA = 1
SHOWN_MAX = 50  # characters of a value an error quotes

E = TypeVar("E", bound=StrEnum)


def _words(values: frozenset[StrEnum] | tuple[StrEnum, ...]) -> list[str]:
    return sorted(str(v) for v in values)


def _row_to_dict(row: RequirementRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "minimum": str(row.minimum),
        "scope": str(row.scope),
        "source": row.source,
        "categories": _words(row.categories),
        "groups": _words(row.groups),
        "exempt_groups": _words(row.exempt_groups),
        "window": str(row.window),
        "counted_until": None if row.counted_until is None else row.counted_until.isoformat(),
        "is_prorated": row.is_prorated,
    }


def spec_to_dict(spec: PolicySpec) -> dict[str, Any]:
    """Return `spec` as a dict of JSON types only (str, int, bool, None, list, dict)."""
    rule = spec.new_teacher
    return {
        "schema": SCHEMA,
        "code": spec.code,
        "version": spec.version,
        "name": spec.name,
        "region_name": spec.region_name,
        "source": spec.source,
        "unit": str(spec.unit),
        "cycle_start": spec.cycle_start.isoformat(),
        "cycle_end": spec.cycle_end.isoformat(),
        "year_start_month": spec.year_start_month,
        "year_start_day": spec.year_start_day,
        "precision": str(spec.precision),
        "rounding": spec.rounding,
        "hours_per_credit": {str(m): str(v) for m, v in spec.hours_per_credit.items()},
        "hours_per_day": str(spec.hours_per_day),
        "categories": [str(c) for c in spec.categories],
        "tier_labels": {str(t): label for t, label in spec.tier_labels.items()},
        "grade_bonus": {
            str(tier): {str(g): str(rate) for g, rate in rates.items()}
            for tier, rates in spec.grade_bonus.items()
        },
        "lead_instructor_bonus": {str(t): str(v) for t, v in spec.lead_instructor_bonus.items()},
        "is_grade_bonus_for_lead_instructor": spec.is_grade_bonus_for_lead_instructor,
        "is_project_approval_required": spec.is_project_approval_required,
        "degree_category": None if spec.degree_category is None else str(spec.degree_category),
        "degree_mode": None if spec.degree_mode is None else str(spec.degree_mode),
        "is_degree_bonus": spec.is_degree_bonus,
        "rows": [_row_to_dict(row) for row in spec.rows],
        "offsets": [
            {
                "source_row": o.source_row,
                "target_rows": list(o.target_rows),
                "scope": str(o.scope),
                "source": o.source,
            }
            for o in spec.offsets
        ],
        "new_teacher": {
            "is_hired_in_cycle_new": rule.is_hired_in_cycle_new,
            "proration": str(rule.proration),
            "source": rule.source,
            "per_year_row": rule.per_year_row,
            "cap_row": rule.cap_row,
        },
        "grade_quotas": [
            {
                "grade": str(q.grade),
                "grades": _words(q.grades),
                "limit_percent": str(q.limit_percent),
                "source": q.source,
                "min_participants": q.min_participants,
            }
            for q in spec.grade_quotas
        ],
        "share_checks": [
            {
                "key": s.key,
                "groups": _words(s.groups),
                "categories": _words(s.categories),
                "expected_percent": str(s.expected_percent),
                "source": s.source,
            }
            for s in spec.share_checks
        ],
    }


class _Reader:
    """Read typed values out of one dict, naming the path in every error."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise RuleError("bad_payload", field=path or "policy", expected="object")
        self.data = data
        self.path = path

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, default: object = ...) -> object:
        if key not in self.data:
            if default is ...:
                raise RuleError("missing_field", field=self._field(key))
            return default
        return self.data[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise RuleError("bad_payload", field=self._field(key), expected="string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.raw(key, None)
        return None if value is None else self.text(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError("bad_number", field=self._field(key), value=shown(value))
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.raw(key, ... if default is None else default)
        if not isinstance(value, bool):
            raise RuleError("bad_payload", field=self._field(key), expected="boolean")
        return value

    def decimal(self, key: str, field_path: str | None = None, value: object = ...) -> Decimal:
        value = self.raw(key) if value is ... else value
        return parse_decimal(value, field_path or self._field(key))

    def day(self, key: str) -> date:
        return parse_date(self.text(key), self._field(key))

    def optional_day(self, key: str) -> date | None:
        value = self.raw(key, None)
        return None if value is None else self.day(key)

    def word(self, key: str, enum: type[E]) -> E:
        return parse_word(self.text(key), enum, self._field(key))

    def optional_word(self, key: str, enum: type[E]) -> E | None:
        value = self.raw(key, None)
        return None if value is None else self.word(key, enum)

    def items(self, key: str, default: object = ...) -> list[object]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise RuleError("bad_payload", field=self._field(key), expected="list")
        return value

    def words(self, key: str, enum: type[E]) -> frozenset[E]:
        field_path = self._field(key)
        result = []
        for value in self.items(key, []):
            if not isinstance(value, str):
                raise RuleError("bad_payload", field=field_path, expected="string")
            result.append(parse_word(value, enum, field_path))
        return frozenset(result)

    def mapping(self, key: str, default: object = ...) -> Mapping[str, object]:
        value = self.raw(key, default)
        if not isinstance(value, Mapping):
            raise RuleError("bad_payload", field=self._field(key), expected="object")
        return value

    def child(self, key: str) -> _Reader:
        return _Reader(self.raw(key), self._field(key))


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """Return `value` as an error quotes it: text as is, anything else as JSON writes it
    (``null``, ``true``, ``[1, 2]``), never a Python repr; cut to `limit` characters."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 160:
        text = f"{Decimal(value):.6E}"  # str() of a very long int is slow, or refused
    elif isinstance(value, float | Decimal):
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_decimal(value: object, field_path: str, record_id: str | None = None) -> Decimal:
    """Return a finite Decimal from an int, float or numeric string (via ``str``)."""
    extra = {} if record_id is None else {"record_id": record_id}
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RuleError("bad_number", field=field_path, value=shown(value), **extra)
    try:
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleError("bad_number", field=field_path, value=shown(value), **extra) from None
    if not number.is_finite():
        raise RuleError("bad_number", field=field_path, value=shown(value), **extra)
    return number


def parse_date(value: object, field_path: str, record_id: str | None = None) -> date:
    """Return a date from ``YYYY-MM-DD``, or raise `bad_date`."""
    extra = {} if record_id is None else {"record_id": record_id}
    if not isinstance(value, str):
        raise RuleError("bad_date", field=field_path, value=shown(value), **extra)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleError("bad_date", field=field_path, value=shown(value), **extra) from None


def parse_word(value: object, enum: type[E], field_path: str, record_id: str | None = None) -> E:
    """Return the enum member whose value is `value`, or raise `unknown_word`."""
    try:
        return enum(value)
    except ValueError:
        extra = {} if record_id is None else {"record_id": record_id}
        raise RuleError(
            "unknown_word",
            field=field_path,
            value=shown(value),
            allowed=sorted(str(m) for m in enum),
            **extra,
        ) from None


def _keyed(
    reader: _Reader, key: str, enum: type[E], read: Callable[[str, object], Any]
) -> dict[E, Any]:
    result = {}
    for name, value in reader.mapping(key, {}).items():
        field_path = reader._field(f"{key}.{name}")
        result[parse_word(name, enum, field_path)] = read(value, field_path)
    return result


def _row(reader: _Reader) -> RequirementRow:
    return RequirementRow(
        key=reader.text("key"),
        label=reader.text("label"),
        minimum=reader.decimal("minimum"),
        scope=reader.word("scope", Scope),
        source=reader.text("source"),
        categories=reader.words("categories", Category),
        groups=reader.words("groups", TeacherGroup),
        exempt_groups=reader.words("exempt_groups", TeacherGroup),
        window=reader.optional_word("window", YearWindow) or YearWindow.EVERY_YEAR,
        counted_until=reader.optional_day("counted_until"),
        is_prorated=reader.boolean("is_prorated", False),
    )


def spec_from_dict(data: Mapping[str, Any]) -> PolicySpec:
    """Return the PolicySpec a `spec_to_dict` dict (or an edited copy) describes."""
    reader = _Reader(data, "")
    schema = reader.raw("schema", SCHEMA)
    if schema != SCHEMA:
        raise RuleError("bad_policy", field="schema", reason="unsupported_schema")
    nt = reader.child("new_teacher")
    offsets = []
    for index, item in enumerate(reader.items("offsets", [])):
        o = _Reader(item, f"offsets.{index}")
        targets = []
        for target in o.items("target_rows"):
            if not isinstance(target, str):
                raise RuleError("bad_payload", field=o._field("target_rows"), expected="string")
            targets.append(target)
        offsets.append(
            OffsetRule(
                source_row=o.text("source_row"),
                target_rows=tuple(targets),
                scope=o.word("scope", Scope),
                source=o.text("source"),
            )
        )
    categories = []
    for value in reader.items("categories"):
        categories.append(parse_word(value, Category, "categories"))
    return PolicySpec(
        code=reader.text("code"),
        version=reader.integer("version"),
        name=reader.text("name"),
        region_name=reader.text("region_name"),
        source=reader.text("source"),
        unit=reader.word("unit", Unit),
        cycle_start=reader.day("cycle_start"),
        cycle_end=reader.day("cycle_end"),
        year_start_month=reader.integer("year_start_month"),
        year_start_day=reader.integer("year_start_day"),
        precision=reader.decimal("precision"),
        rounding=reader.text("rounding"),
        hours_per_credit=_keyed(reader, "hours_per_credit", Mode, parse_decimal),
        hours_per_day=reader.decimal("hours_per_day"),
        categories=tuple(categories),
        tier_labels=_keyed(reader, "tier_labels", Tier, _label),
        rows=tuple(
            _row(_Reader(item, f"rows.{index}")) for index, item in enumerate(reader.items("rows"))
        ),
        new_teacher=NewTeacherRule(
            is_hired_in_cycle_new=nt.boolean("is_hired_in_cycle_new"),
            proration=nt.word("proration", Proration),
            source=nt.text("source"),
            per_year_row=nt.optional_text("per_year_row"),
            cap_row=nt.optional_text("cap_row"),
        ),
        grade_bonus=_keyed(
            reader,
            "grade_bonus",
            Tier,
            lambda rates, path: _keyed(_Reader({"r": rates}, path), "r", Grade, parse_decimal),
        ),
        lead_instructor_bonus=_keyed(reader, "lead_instructor_bonus", Tier, parse_decimal),
        is_grade_bonus_for_lead_instructor=reader.boolean(
            "is_grade_bonus_for_lead_instructor", False
        ),
        is_project_approval_required=reader.boolean("is_project_approval_required", True),
        degree_category=reader.optional_word("degree_category", Category),
        degree_mode=reader.optional_word("degree_mode", Mode),
        is_degree_bonus=reader.boolean("is_degree_bonus", False),
        offsets=tuple(offsets),
        grade_quotas=tuple(
            GradeQuota(
                grade=q.word("grade", Grade),
                grades=q.words("grades", Grade),
                limit_percent=q.decimal("limit_percent"),
                source=q.text("source"),
                min_participants=q.integer("min_participants") if q.has("min_participants") else 0,
            )
            for q in (
                _Reader(item, f"grade_quotas.{i}")
                for i, item in enumerate(reader.items("grade_quotas", []))
            )
        ),
        share_checks=tuple(
            ShareCheck(
                key=s.text("key"),
                groups=s.words("groups", TeacherGroup),
                categories=s.words("categories", Category),
                expected_percent=s.decimal("expected_percent"),
                source=s.text("source"),
            )
            for s in (
                _Reader(item, f"share_checks.{i}")
                for i, item in enumerate(reader.items("share_checks", []))
            )
        ),
    )


def _label(value: object, field_path: str) -> str:
    if not isinstance(value, str):
        raise RuleError("bad_payload", field=field_path, expected="string")
    return value
