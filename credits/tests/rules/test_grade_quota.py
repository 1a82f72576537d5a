"""Per-project grade quotas: good-or-better ≤ 30%, excellent ≤ 15% (004 五(二)2)."""

from __future__ import annotations

import pytest

from credits.rules import Grade, RuleError, check_grade_quota, get_preset

XJ = get_preset("xinjiang-2024")


def grades(excellent: int, good: int, passed: int, failed: int = 0) -> list[Grade]:
    return (
        [Grade.EXCELLENT] * excellent
        + [Grade.GOOD] * good
        + [Grade.PASS] * passed
        + [Grade.FAIL] * failed
    )


@pytest.mark.parametrize(
    "project",
    [grades(1, 2, 7), grades(0, 3, 7), grades(3, 3, 14), grades(0, 0, 0), grades(0, 0, 5)],
)
def test_grades_within_quota_pass(project):
    """良好以上的不超过30%，其中优秀的不超过15% (004 五(二)2): at the limit is allowed."""
    check_grade_quota(XJ, project)


def test_too_many_good_or_better_names_the_numbers():
    """4 good-or-better of 10 is above 30%: allowed 3 (004 五(二)2 良好以上的不超过30%)."""
    with pytest.raises(RuleError) as caught:
        check_grade_quota(XJ, grades(0, 4, 6))
    assert caught.value.code == "grade_quota_exceeded"
    assert caught.value.params == {
        "grade": "good",
        "limit_percent": "30",
        "total": 10,
        "count": 4,
        "allowed": 3,
    }


def test_too_many_excellent_names_the_numbers():
    """2 excellent of 10 is above 15%: allowed 1 (004 五(二)2 其中，优秀的不超过15%)."""
    with pytest.raises(RuleError) as caught:
        check_grade_quota(XJ, grades(2, 0, 8))
    assert caught.value.params == {
        "grade": "excellent",
        "limit_percent": "15",
        "total": 10,
        "count": 2,
        "allowed": 1,
    }


def test_quota_accepts_grade_words_and_rejects_unknown_ones():
    """Grades may come as words; an unknown word is `unknown_word`."""
    check_grade_quota(XJ, ["pass", "good", "pass", "pass"])
    with pytest.raises(RuleError) as caught:
        check_grade_quota(XJ, ["pass", "superb"])
    assert caught.value.code == "unknown_word"
    assert caught.value.params["value"] == "superb"


def test_policy_without_quotas_allows_any_grades():
    """Tianjin prints no grade quota (000 四(五)1)."""
    check_grade_quota(get_preset("tianjin-binhai-6"), grades(10, 0, 0))


def test_participants_set_the_base_while_grades_are_entered_in_sittings():
    """6 good of 20 trainees is 30% even when only those 6 are graded yet (004 五(二)2)."""
    spec = get_preset("xinjiang-2024")
    check_grade_quota(spec, ["good"] * 6, participants=20)
    with pytest.raises(RuleError) as excinfo:
        check_grade_quota(spec, ["good"] * 7, participants=20)
    assert excinfo.value.params["total"] == 20
    assert excinfo.value.params["allowed"] == 6


def test_classes_under_ten_are_left_to_the_institution():
    """原则上 (004 五(二)2): 1 excellent of 5 passes; 2 excellent of 10 (20%) does not."""
    spec = get_preset("xinjiang-2024")
    check_grade_quota(spec, ["excellent", "pass", "pass", "pass", "pass"])
    with pytest.raises(RuleError) as excinfo:
        check_grade_quota(spec, ["excellent"] * 2 + ["pass"] * 8)
    assert excinfo.value.params["allowed"] == 1
