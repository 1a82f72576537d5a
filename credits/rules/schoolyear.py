"""School (credit) years: a date's year key and the years a cycle is made of."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import RuleError
from .types import PolicySpec


def school_year_start(start_year: int, spec: PolicySpec) -> date:
    """Return the first day of the school year that starts in `start_year`."""
    return date(start_year, spec.year_start_month, spec.year_start_day)


def school_year_of(on: date, spec: PolicySpec) -> str:
    """Return the key ``"2024-2025"`` of the school year holding `on`.

    The year runs from the policy's start month/day to the day before the next one
    (000 四(五)1 当年的9月1日至次年8月31日…计算为当年; POLICIES §7.2 the same for Xinjiang).
    """
    start_year = on.year if on >= school_year_start(on.year, spec) else on.year - 1
    return f"{start_year}-{start_year + 1}"


def parse_school_year(key: str) -> int:
    """Return the start year of a ``"2024-2025"`` key, or raise `bad_date`."""
    first, sep, second = key.partition("-")
    if not (sep and first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
        raise RuleError("bad_date", field="school_year", value=key)
    return int(first)


def school_year_bounds(key: str, spec: PolicySpec) -> tuple[date, date]:
    """Return the first and last day of the school year `key`."""
    start_year = parse_school_year(key)
    next_start = school_year_start(start_year + 1, spec)
    return school_year_start(start_year, spec), next_start - timedelta(days=1)


def cycle_school_years(spec: PolicySpec) -> tuple[str, ...]:
    """Return the school years of the cycle: those that start inside the cycle window.

    Tianjin names a credit year after its start (000 四(五)1 计算为当年), so its credit
    years 2017-2021 are the years starting 2017-09-01 … 2021-09-01 (POLICIES §7.1); the
    same reading gives Xinjiang's 2024-2028 the five years 2024-2025 … 2028-2029.
    """
    years = []
    start_year = spec.cycle_start.year - 1
    while school_year_start(start_year, spec) <= spec.cycle_end:
        if school_year_start(start_year, spec) >= spec.cycle_start:
            years.append(f"{start_year}-{start_year + 1}")
        start_year += 1
    return tuple(years)
