"""Map a `Policy` and its child rows to the rule engine's spec dict, and back.

The rule engine's `spec_from_dict` is the single validator of a policy: the admin, the data
migration and the services all go through these two functions, so a stored policy is always
one the engine accepts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .choices import LEAD_INSTRUCTOR

SCALAR_FIELDS = (
    "code",
    "version",
    "name",
    "region_name",
    "source",
    "unit",
    "year_start_month",
    "year_start_day",
    "rounding",
    "is_grade_bonus_for_lead_instructor",
    "is_project_approval_required",
    "is_degree_bonus",
    "categories",
    "tier_labels",
    "offsets",
    "grade_quotas",
    "share_checks",
)
MODES = ("centralized", "online", "school_based")
ROW_FIELDS = (
    "key",
    "label",
    "scope",
    "source",
    "categories",
    "groups",
    "exempt_groups",
    "window",
    "is_prorated",
)


def _decimal_text(value: Decimal) -> str:
    """Write a stored decimal without trailing zeros ("4.00" → "4", "0.0500" → "0.05")."""
    text = format(Decimal(value).normalize(), "f")
    return text


def spec_dict_from_fields(policy, requirements, bonus_rates) -> dict[str, Any]:
    """Return the rule engine's spec dict for a policy and its requirement and bonus rows."""
    data: dict[str, Any] = {"schema": 1}
    for field in SCALAR_FIELDS:
        data[field] = getattr(policy, field)
    data["cycle_start"] = policy.cycle_start.isoformat()
    data["cycle_end"] = policy.cycle_end.isoformat()
    data["precision"] = _decimal_text(policy.precision)
    data["hours_per_day"] = _decimal_text(policy.hours_per_day)
    data["hours_per_credit"] = {
        mode: _decimal_text(getattr(policy, f"hours_per_credit_{mode}")) for mode in MODES
    }
    data["degree_category"] = policy.degree_category or None
    data["degree_mode"] = policy.degree_mode or None
    data["new_teacher"] = {
        "is_hired_in_cycle_new": policy.new_teacher_is_hired_in_cycle_new,
        "proration": policy.new_teacher_proration,
        "source": policy.new_teacher_source,
        "per_year_row": policy.new_teacher_per_year_row or None,
        "cap_row": policy.new_teacher_cap_row or None,
    }
    data["rows"] = [
        {
            **{field: getattr(row, field) for field in ROW_FIELDS},
            "minimum": _decimal_text(row.minimum),
            "counted_until": row.counted_until.isoformat() if row.counted_until else None,
        }
        for row in requirements
    ]
    grade_bonus: dict[str, dict[str, str]] = {}
    lead_bonus: dict[str, str] = {}
    for rate in bonus_rates:
        if rate.applies_to == LEAD_INSTRUCTOR:
            lead_bonus[rate.tier] = _decimal_text(rate.rate)
        else:
            grade_bonus.setdefault(rate.tier, {})[rate.applies_to] = _decimal_text(rate.rate)
    data["grade_bonus"] = grade_bonus
    data["lead_instructor_bonus"] = lead_bonus
    return data


def fields_from_spec_dict(data: dict[str, Any]) -> tuple[dict, list[dict], list[dict]]:
    """Split a spec dict into Policy field values, requirement rows and bonus rows."""
    fields = {field: data[field] for field in SCALAR_FIELDS}
    fields.update(
        cycle_start=data["cycle_start"],
        cycle_end=data["cycle_end"],
        precision=Decimal(data["precision"]),
        hours_per_day=Decimal(data["hours_per_day"]),
        degree_category=data.get("degree_category") or "",
        degree_mode=data.get("degree_mode") or "",
        new_teacher_is_hired_in_cycle_new=data["new_teacher"]["is_hired_in_cycle_new"],
        new_teacher_proration=data["new_teacher"]["proration"],
        new_teacher_source=data["new_teacher"].get("source", ""),
        new_teacher_per_year_row=data["new_teacher"].get("per_year_row") or "",
        new_teacher_cap_row=data["new_teacher"].get("cap_row") or "",
    )
    for mode in MODES:
        fields[f"hours_per_credit_{mode}"] = Decimal(data["hours_per_credit"][mode])
    rows = [
        {
            **{field: row[field] for field in ROW_FIELDS},
            "position": position,
            "minimum": Decimal(row["minimum"]),
            "counted_until": row.get("counted_until"),
        }
        for position, row in enumerate(data["rows"])
    ]
    rates = [
        {"tier": tier, "applies_to": grade, "rate": Decimal(rate)}
        for tier, by_grade in data.get("grade_bonus", {}).items()
        for grade, rate in by_grade.items()
    ] + [
        {"tier": tier, "applies_to": LEAD_INSTRUCTOR, "rate": Decimal(rate)}
        for tier, rate in data.get("lead_instructor_bonus", {}).items()
    ]
    return fields, rows, rates
