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

Output: ``policy``, ``records``, ``years``, ``cycle`` (see `simulate`). This is the only
module that turns Decimals into floats, at the JSON edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .conversion import hours_from_days
from .errors import RuleError
from .presets import get_preset
from .progress import evaluate
from .serialization import parse_date, parse_decimal, parse_word
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


def _number(value: Decimal) -> float:
    return float(value)


def _numbers(values: Mapping[str, Decimal]) -> dict[str, float]:
    return {key: _number(value) for key, value in values.items()}


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
        hired_on=None if hired is None else parse_date(hired, "hired_on"),
        groups=frozenset(parse_word(g, TeacherGroup, "groups") for g in groups),
    )


def parse_record(data: object, index: int, spec: PolicySpec) -> RecordFacts:
    """Return the RecordFacts of one payload record, or raise a `RuleError`."""
    if not isinstance(data, Mapping):
        raise RuleError("bad_payload", field=f"records.{index}", expected="object")
    if "id" not in data:
        raise RuleError("missing_field", field="id", record_index=index)
    rid = str(data["id"])

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
        days = parse_decimal(data["days"], "days", rid)
        if days < 0:
            raise RuleError("negative_hours", record_id=rid, field="days", hours=str(days))
        hours = hours_from_days(days, spec)
    else:
        hours = parse_decimal(need("hours"), "hours", rid)
    leave = data.get("leave_hours")
    approved = need("approved")
    if not isinstance(approved, bool):
        raise RuleError("bad_payload", field="approved", expected="boolean", record_id=rid)
    return RecordFacts(
        record_id=rid,
        occurred_on=parse_date(need("date"), "date", rid),
        hours=hours,
        leave_hours=Decimal(0) if leave is None else parse_decimal(leave, "leave_hours", rid),
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
    as_of = payload.get("as_of")
    return (
        parse_teacher(payload.get("teacher")),
        [parse_record(item, index, spec) for index, item in enumerate(records)],
        None if as_of is None else parse_date(as_of, "as_of"),
    )


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
    return progress_to_dict(spec, evaluate(spec, teacher, records, as_of))


def simulate_preset(code: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Run `simulate` with the preset policy `code`."""
    return simulate(get_preset(code), payload)
