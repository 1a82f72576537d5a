"""Xinjiang bonus credits by tier, grade and role (004 五(二)2)."""

from __future__ import annotations

import pytest

from credits.rules import Grade, Role, Tier, bonus_rate, credit_record, get_preset

from .builders import d, make_record

XJ = get_preset("xinjiang-2024")

BELOW_REGION = (Tier.PREFECTURE, Tier.COUNTY, Tier.SCHOOL)
REGION_AND_ABOVE = (Tier.REGION, Tier.NATIONAL)


@pytest.mark.parametrize("tier", BELOW_REGION)
@pytest.mark.parametrize(
    ("grade", "rate", "bonus"),
    [(Grade.PASS, "0", "0.00"), (Grade.GOOD, "0.05", "0.50"), (Grade.EXCELLENT, "0.10", "1.00")],
)
def test_prefecture_tier_and_below_reward_good_five_and_excellent_ten_percent(
    tier, grade, rate, bonus
):
    """地（州、市）级及以下…良好、优秀的，分别奖励5%、10% (004 五(二)2); pass earns none."""
    result = credit_record(XJ, make_record(tier=tier, grade=grade))
    assert result.bonus_rate == d(rate)
    assert (result.base, result.bonus) == (d("10.00"), d(bonus))


@pytest.mark.parametrize("tier", REGION_AND_ABOVE)
@pytest.mark.parametrize(
    ("grade", "rate", "bonus"),
    [
        (Grade.PASS, "0.05", "0.50"),
        (Grade.GOOD, "0.10", "1.00"),
        (Grade.EXCELLENT, "0.15", "1.50"),
    ],
)
def test_region_tier_and_above_reward_pass_five_good_ten_excellent_fifteen_percent(
    tier, grade, rate, bonus
):
    """自治区级及以上…合格、良好、优秀的，分别奖励5%、10%、15% (004 五(二)2)."""
    result = credit_record(XJ, make_record(tier=tier, grade=grade))
    assert result.bonus_rate == d(rate)
    assert result.bonus == d(bonus)
    assert result.total == result.base + result.bonus


@pytest.mark.parametrize(
    ("tier", "bonus"),
    [
        (Tier.NATIONAL, "20.00"),
        (Tier.REGION, "20.00"),
        (Tier.PREFECTURE, "10.00"),
        (Tier.COUNTY, "10.00"),
        (Tier.SCHOOL, "10.00"),
    ],
)
@pytest.mark.parametrize("grade", [None, Grade.PASS, Grade.EXCELLENT])
def test_lead_instructor_earns_two_hundred_or_one_hundred_percent_without_grade_bonus(
    tier, bonus, grade
):
    """主讲教师 +200% 自治区级及以上 / +100% 地级及以下 (004 五(二)2); no grade bonus (§7.4)."""
    record = make_record(role=Role.LEAD_INSTRUCTOR, tier=tier, grade=grade)
    result = credit_record(XJ, record)
    assert (result.base, result.bonus) == (d("10.00"), d(bonus))
    assert "主讲教师" in result.explanation


def test_failed_trainee_gets_no_bonus_even_at_region_tier():
    """A fail is not registered at all, so no bonus (004 五(二)1-2)."""
    assert bonus_rate(make_record(grade=Grade.FAIL), XJ) == d("0")
    assert credit_record(XJ, make_record(grade=Grade.FAIL)).bonus == d("0")


def test_bonus_is_rounded_half_up_to_two_places():
    """130 h ÷ 4 = 32.50; ×5% = 1.625 → 1.63 half up (POLICIES §7.3; 004 五(二)1-2)."""
    result = credit_record(XJ, make_record(hours="130", grade=Grade.PASS, tier=Tier.REGION))
    assert (result.base, result.bonus, result.total) == (d("32.50"), d("1.63"), d("34.13"))


def test_base_is_rounded_before_the_bonus_and_total_is_their_sum():
    """7.5 h ÷ 4 = 1.875 → 1.88; 1.88 × 15% = 0.282 → 0.28; total 2.16 (POLICIES §7.3)."""
    result = credit_record(XJ, make_record(hours="7.5", grade=Grade.EXCELLENT))
    assert (result.base, result.bonus, result.total) == (d("1.88"), d("0.28"), d("2.16"))
