"""The JSON simulator contract: a payload dict in, a JSON-ready dict out.

Input::

    {"teacher": {"hired_on": "2024-09-01", "groups": ["class_teacher"]},
     "as_of": "2026-06-30",                                    # optional, default cycle end
     "records": [{"id": "r1", "tier": "region", "mode": "centralized",
                  "category": "compulsory_public", "hours": 40, "leave_hours": 0,
                  "grade": "excellent", "role": "trainee", "date": "2025-03-01",
                  "approved": true, "kind": "training"}]}

Per record: ``id``, ``hours`` (or ``days``), ``date``, ``approved`` are required;
``mode`` and ``category`` too for training; ``grade`` unless a lead instructor;
``tier`` when the policy has tier bonuses. ``leave_hours`` defaults to 0, ``role`` to
trainee, ``kind`` to training. Numbers may be ints, floats or decimal strings.

Input is checked before anything is computed, so no input ends in a traceback: an ``id`` is a
non-empty string of at most 64 characters or an integer, unique in the payload; hours and leave
lie in 0–99,999.9 and days in 0–9,999 (`LIMITS`); dates lie in 1900–2100; a payload holds at
most 1,000 records. Every error about a record carries its position (``record_index``).

Output: ``policy``, ``records``, ``years``, ``cycle`` (see `simulate`). This is the only
module that turns Decimals into floats, at the JSON edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, DecimalException
from typing import Any

from .conversion import hours_from_days
from .errors import RuleError
from .presets import get_preset
from .progress import evaluate
from .serialization import parse_date, parse_decimal, parse_word, shown
from .types import (
    Category,
    Grade,
    Mode,
    PolicySpec,
    Progress,
    RecordFacts,
    RecordKind,
    Role,
    TeacherGroup,
    TeacherProfile,
    Tier,
)

MAX_RECORDS = 1000
MAX_ID_LENGTH = 64
# Sane bounds of the numbers a record may carry, (minimum, maximum): input checks, not policy
# figures, so they live here rather than in presets. Hours match the records' column
# (max_digits=6, decimal_places=1), so whatever the portal stores can be simulated.
LIMITS = {
    field: (Decimal(low), Decimal(high))
    for field, (low, high) in {
        "hours": ("0", "99999.9"),
        "leave_hours": ("0", "99999.9"),
        "days": ("0", "9999"),
    }.items()
}
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def _number(value: Decimal) -> float:
    return float(value)


def _numbers(values: Mapping[str, Decimal]) -> dict[str, float]:
    return {key: _number(value) for key, value in values.items()}


def _day(value: object, field: str, record_id: str | None = None) -> date:
    """Return a date of 1900–2100 (school-year arithmetic needs the years around it)."""
    day = parse_date(value, field, record_id)
    if not FIRST_DAY <= day <= LAST_DAY:
        extra = {} if record_id is None else {"record_id": record_id}
        raise RuleError(
            "out_of_range",
            field=field,
            value=shown(value),
            minimum=FIRST_DAY.isoformat(),
            maximum=LAST_DAY.isoformat(),
            **extra,
        )
    return day


def _bounded(value: object, field: str, record_id: str) -> Decimal:
    """Return a record's number, within its `LIMITS`; below zero is `negative_hours`."""
    number = parse_decimal(value, field, record_id)
    minimum, maximum = LIMITS[field]
    if number < minimum:
        raise RuleError("negative_hours", record_id=record_id, field=field, hours=shown(value))
    if number > maximum:
        raise RuleError(
            "out_of_range",
            record_id=record_id,
            field=field,
            value=shown(value),
            minimum=str(minimum),
            maximum=str(maximum),
        )
    return number


def _record_id(data: Mapping[str, Any]) -> str:
    """Return a record's id as text: a non-empty string of at most 64 characters, or an int."""
    value = data.get("id")
    if value is None or value == "":
        raise RuleError("missing_field", field="id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RuleError("bad_payload", field="id", expected="id")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_ID_LENGTH:
            raise RuleError("bad_payload", field="id", expected="id")
        return str(value)
    if len(value) > MAX_ID_LENGTH or not value.strip():
        raise RuleError("bad_payload", field="id", expected="id")
    return value


def parse_teacher(data: object) -> TeacherProfile:
    """Return the TeacherProfile of a payload's ``teacher`` object."""
    if data is None:
        return TeacherProfile()
    if not isinstance(data, Mapping):
        raise RuleError("bad_payload", field="teacher", expected="object")
    hired = data.get("hired_on")
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        raise RuleError("bad_payload", field="groups", expected="list")
    return TeacherProfile(
        hired_on=None if hired is None else _day(hired, "hired_on"),
        groups=frozenset(parse_word(g, TeacherGroup, "groups") for g in groups),
    )


def parse_record(data: object, index: int, spec: PolicySpec) -> RecordFacts:
    """Return the RecordFacts of one payload record, or raise a `RuleError` that names the
    record by its position (``record_index``) and, once known, its id."""
    try:
        return _parse_record(data, spec)
    except RuleError as exc:
        exc.params.setdefault("record_index", index)
        if exc.params.get("field") == "record":
            exc.params["field"] = f"records.{index}"
        raise


def _parse_record(data: object, spec: PolicySpec) -> RecordFacts:
    if not isinstance(data, Mapping):
        raise RuleError("bad_payload", field="record", expected="object")
    rid = _record_id(data)

    def need(name: str) -> object:
        if data.get(name) is None:
            raise RuleError("missing_field", field=name, record_id=rid)
        return data[name]

    def word(name: str, enum: type, default: object = None) -> Any:
        value = data.get(name)
        if value is None:
            return default
        return parse_word(value, enum, name, rid)

    kind = word("kind", RecordKind, RecordKind.TRAINING)
    if data.get("hours") is None and data.get("days") is not None:
        hours = hours_from_days(_bounded(data["days"], "days", rid), spec)
    else:
        hours = _bounded(need("hours"), "hours", rid)
    leave = data.get("leave_hours")
    approved = need("approved")
    if not isinstance(approved, bool):
        raise RuleError("bad_payload", field="approved", expected="boolean", record_id=rid)
    return RecordFacts(
        record_id=rid,
        occurred_on=_day(need("date"), "date", rid),
        hours=hours,
        leave_hours=Decimal(0) if leave is None else _bounded(leave, "leave_hours", rid),
        kind=kind,
        tier=word("tier", Tier),
        mode=word("mode", Mode),
        category=word("category", Category),
        grade=word("grade", Grade),
        role=word("role", Role, Role.TRAINEE),
        is_project_approved=approved,
    )


def parse_payload(
    spec: PolicySpec, payload: object
) -> tuple[TeacherProfile, list[RecordFacts], Any]:
    """Return (teacher, records, as_of) from a simulator payload."""
    if not isinstance(payload, Mapping):
        raise RuleError("bad_payload", field="payload", expected="object")
    if "records" not in payload:
        raise RuleError("missing_field", field="records")
    records = payload["records"]
    if not isinstance(records, list):
        raise RuleError("bad_payload", field="records", expected="list")
    if len(records) > MAX_RECORDS:
        raise RuleError("too_many_records", count=len(records), limit=MAX_RECORDS)
    as_of = payload.get("as_of")
    teacher = parse_teacher(payload.get("teacher"))
    facts, first = [], {}
    for index, item in enumerate(records):
        record = parse_record(item, index, spec)
        if record.record_id in first:
            raise RuleError(
                "bad_payload",
                field="id",
                expected="unique",
                record_id=record.record_id,
                record_index=index,
                first_index=first[record.record_id],
            )
        first[record.record_id] = index
        facts.append(record)
    return teacher, facts, None if as_of is None else _day(as_of, "as_of")


def progress_to_dict(spec: PolicySpec, progress: Progress) -> dict[str, Any]:
    """Return a Progress as the simulator's JSON-ready output."""
    cycle = progress.cycle
    return {
        "policy": {
            "code": spec.code,
            "version": spec.version,
            "name": spec.name,
            "unit": str(spec.unit),
        },
        "records": [
            {
                "id": r.record_id,
                "base": _number(r.base),
                "bonus": _number(r.bonus),
                "total": _number(r.total),
                "category": None if r.category is None else str(r.category),
                "school_year": r.school_year,
                "counted": r.is_counted,
                "explanation": r.explanation,
            }
            for r in progress.records
        ],
        "years": [
            {
                "year": y.year,
                "earned": _numbers(y.earned),
                "counted": _numbers(y.counted),
                "required": _numbers(y.required),
                "shortfall": _numbers(y.shortfall),
                "offset": _numbers(y.offset),
                "complete": y.is_complete,
            }
            for y in progress.years
        ],
        "cycle": {
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "as_of": progress.as_of.isoformat(),
            "new_teacher": progress.is_new_teacher,
            "earned": _numbers(cycle.earned),
            "counted": _numbers(cycle.counted),
            "required": _numbers(cycle.required),
            "shortfall": _numbers(cycle.shortfall),
            "offset": _numbers(cycle.offset),
            "complete": cycle.is_complete,
            "warnings": [{"code": w.code, **w.params} for w in progress.warnings],
        },
    }


def simulate(spec_or_code: PolicySpec | str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Credit a payload's records under a policy and return the JSON-ready result.

    `spec_or_code` is a PolicySpec or a preset code. Invalid input raises `RuleError`
    (the edge maps it to exit status 2 / HTTP 400).
    """
    spec = spec_or_code if isinstance(spec_or_code, PolicySpec) else get_preset(spec_or_code)
    teacher, records, as_of = parse_payload(spec, payload)
    try:
        return progress_to_dict(spec, evaluate(spec, teacher, records, as_of))
    except RuleError as exc:
        positions = {record.record_id: index for index, record in enumerate(records)}
        if exc.params.get("record_id") in positions:
            exc.params.setdefault("record_index", positions[exc.params["record_id"]])
        raise
    except DecimalException:  # a figure beyond Decimal's range: a policy with absurd rates
        raise RuleError("overflow") from None


def simulate_preset(code: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Run `simulate` with the preset policy `code`."""
    return simulate(get_preset(code), payload)
