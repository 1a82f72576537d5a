"""What the credit calculator page shows: the simulator's result as bars and tables."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import Policy


@dataclass(frozen=True)
class Bar:
    """One requirement: how much counts against how much is required."""

    key: str
    label: str
    counted: float
    required: float
    shortfall: float
    offset: float
    percent: int
    is_met: bool


@dataclass(frozen=True)
class ProgressSection:
    title: str
    bars: list[Bar]
    is_complete: bool


def payload_from_forms(teacher: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Build the simulator payload from the calculator's cleaned form data."""
    records = []
    for index, row in enumerate(rows, start=1):
        record = {
            "id": f"第{index}条",
            "tier": row["tier"],
            "mode": row["mode"],
            "category": row["category"],
            "hours": str(row["hours"]),
            "leave_hours": str(row.get("leave_hours") or Decimal(0)),
            "grade": row["grade"],
            "role": row["role"],
            "date": row["date"].isoformat(),
            "approved": bool(row.get("approved")),
        }
        if row.get("is_degree"):
            record["kind"] = "degree"
        records.append(record)
    return {
        "teacher": {
            "hired_on": teacher["hired_on"].isoformat() if teacher.get("hired_on") else None,
            "groups": list(teacher.get("groups") or []),
        },
        "records": records,
    }


def _bars(section: dict[str, Any], labels: dict[str, str]) -> list[Bar]:
    bars = []
    for key, required in section["required"].items():
        counted = section["counted"].get(key, 0.0)
        percent = 100 if required <= 0 else min(100, int(counted * 100 / required))
        bars.append(
            Bar(
                key=key,
                label=labels.get(key, key),
                counted=counted,
                required=required,
                shortfall=section["shortfall"].get(key, 0.0),
                offset=section.get("offset", {}).get(key, 0.0),
                percent=percent,
                is_met=section["shortfall"].get(key, 0.0) <= 0,
            )
        )
    return bars


def progress_sections(result: dict[str, Any], policy: Policy) -> list[ProgressSection]:
    """Return the cycle section first, then one per school year that has a requirement."""
    labels = {(row.scope, row.key): row.label for row in policy.requirements.all()}
    cycle_labels = {key: label for (scope, key), label in labels.items() if scope == "cycle"}
    year_labels = {key: label for (scope, key), label in labels.items() if scope == "year"}
    cycle = result["cycle"]
    sections = [
        ProgressSection(
            title=f"{cycle['start']} — {cycle['end']}",
            bars=_bars(cycle, cycle_labels),
            is_complete=cycle["complete"],
        )
    ]
    for year in result["years"]:
        if year["required"]:
            sections.append(
                ProgressSection(
                    title=year["year"], bars=_bars(year, year_labels), is_complete=year["complete"]
                )
            )
    return sections
