"""Builders for rule-engine test data: plain dataclasses, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credits.rules import (
    Category,
    Grade,
    Mode,
    RecordFacts,
    RecordKind,
    Role,
    TeacherGroup,
    TeacherProfile,
    Tier,
)


def make_record(**overrides: object) -> RecordFacts:
    """Return an approved, passed 40-hour region-tier centralized public-course record."""
    values: dict[str, object] = {
        "record_id": "r1",
        "occurred_on": date(2025, 3, 1),
        "hours": Decimal("40"),
        "leave_hours": Decimal("0"),
        "kind": RecordKind.TRAINING,
        "tier": Tier.REGION,
        "mode": Mode.CENTRALIZED,
        "category": Category.COMPULSORY_PUBLIC,
        "grade": Grade.PASS,
        "role": Role.TRAINEE,
        "is_project_approved": True,
    }
    values.update(overrides)
    for name in ("hours", "leave_hours"):
        if not isinstance(values[name], Decimal):
            values[name] = Decimal(str(values[name]))
    return RecordFacts(**values)  # type: ignore[arg-type]


def make_teacher(hired_on: date | None = None, *groups: TeacherGroup) -> TeacherProfile:
    """Return a teacher hired on `hired_on` (None: long-serving) in `groups`."""
    return TeacherProfile(hired_on=hired_on, groups=frozenset(groups))


VETERAN = make_teacher(date(2010, 9, 1))


def d(text: str) -> Decimal:
    """Return Decimal(text): keeps expected values short in tables."""
    return Decimal(text)
