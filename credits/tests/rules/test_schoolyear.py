"""School-year keys and the years of a cycle (000 四(五)1; POLICIES §7.1-7.2)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from credits.rules import (
    cycle_school_years,
    get_preset,
    school_year_bounds,
    school_year_of,
)

XJ = get_preset("xinjiang-2024")


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2024, 8, 31), "2023-2024"),
        (date(2024, 9, 1), "2024-2025"),
        (date(2025, 1, 1), "2024-2025"),
        (date(2025, 8, 31), "2024-2025"),
    ],
)
def test_school_year_runs_from_september_first(day, key):
    """每学年 = 9月1日至次年8月31日 (POLICIES §7.2, after 000 四(五)1)."""
    assert school_year_of(day, XJ) == key


def test_year_start_is_a_policy_setting():
    """A policy starting its year on 1 March keys Feb 2025 to 2024-2025."""
    spec = dataclasses.replace(XJ, year_start_month=3, year_start_day=1)
    assert school_year_of(date(2025, 2, 28), spec) == "2024-2025"
    assert school_year_of(date(2025, 3, 1), spec) == "2025-2026"
    assert school_year_bounds("2024-2025", spec) == (date(2024, 3, 1), date(2025, 2, 28))


def test_cycle_years_are_those_starting_inside_the_cycle():
    """Xinjiang 2024-2028 → 2024-2025 … 2028-2029; Tianjin 2017-2021 (POLICIES §7.1)."""
    assert cycle_school_years(XJ) == (
        "2024-2025",
        "2025-2026",
        "2026-2027",
        "2027-2028",
        "2028-2029",
    )
    assert cycle_school_years(get_preset("tianjin-binhai-6"))[0] == "2017-2018"
    assert cycle_school_years(get_preset("tianjin-binhai-6"))[-1] == "2021-2022"
