"""The at-risk rule (`rules.progress_status`, our reading where the documents are silent:
docs/rules.md §7.13): where a teacher stands mid-cycle against the share the time calls for."""

from datetime import date
from decimal import Decimal

import pytest

from credits import rules
from credits.models import ProgressStatus
from credits.rules.types import CycleProgress, Progress

START, END = date(2024, 9, 1), date(2029, 8, 31)  # a five-year cycle
HALF_WAY = START + (END - START) / 2


def _progress(counted: str, *, complete: bool = False) -> Progress:
    amounts = {"total": Decimal(counted)}
    cycle = CycleProgress(
        start=START,
        end=END,
        earned=amounts,
        counted=amounts,
        required={"total": Decimal(90)},
        shortfall={},
        offset={},
        is_complete=complete,
    )
    return Progress(
        policy_code="xinjiang-2024",
        policy_version=1,
        as_of=HALF_WAY,
        is_new_teacher=False,
        years_owed=5,
        years=(),
        cycle=cycle,
    )


@pytest.mark.parametrize(
    ("counted", "expected"),
    [
        ("45", rules.status.ON_TRACK),  # 90 × 912 ÷ 1825 days = 44.98 are called for
        ("36", rules.status.AT_RISK),  # at least 80 % of that (35.98)
        ("35.9", rules.status.BEHIND),
        ("0", rules.status.BEHIND),
    ],
)
def test_half_way_through_the_cycle(counted, expected):
    status = rules.progress_status(
        _progress(counted), hired_on=None, as_of=HALF_WAY, at_risk_ratio=Decimal("0.8")
    )
    assert status == expected


def test_a_complete_cycle_is_complete_whatever_the_date():
    status = rules.progress_status(
        _progress("90", complete=True), hired_on=None, as_of=START, at_risk_ratio=Decimal("0.8")
    )
    assert status == rules.status.COMPLETE


def test_a_teacher_hired_half_way_is_measured_from_the_hire():
    """On the day of hire nothing is expected yet: on track with no credits."""
    status = rules.progress_status(
        _progress("0"), hired_on=HALF_WAY, as_of=HALF_WAY, at_risk_ratio=Decimal("0.8")
    )
    assert status == rules.status.ON_TRACK


def test_the_rule_speaks_the_stored_status_vocabulary():
    """The engine's words are the values CycleProgress.status stores."""
    words = {
        rules.status.COMPLETE,
        rules.status.ON_TRACK,
        rules.status.AT_RISK,
        rules.status.BEHIND,
    }
    assert words == set(ProgressStatus.values)
