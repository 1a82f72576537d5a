"""Every figure of every level's overview equals a direct count on the same data.

A region of two prefectures and three counties, teachers of several school types and career
stages, credits approved across three school years; the audit runs; then each level's page
figures (totals, rows per subordinate unit, breakdowns, trend, most-short rows) are compared
with counts made straight from the teachers, their progress rows and the ledger.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from audit.county import audit_county
from credits.models import CreditLedgerEntry, CycleProgress, ProgressSummary, SchoolYearProgress
from credits.oversight import CYCLE, overview_of, ratio, sort_rows

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 20)
YEAR = "2026-2027"


def _direct(*, path: str = "", school=None, stage=None, school_type=None) -> dict:
    """Count a set of teachers' figures straight from progress and ledger rows."""
    progress = CycleProgress.objects.filter(teacher__is_active=True)
    years = SchoolYearProgress.objects.filter(teacher__is_active=True, school_year=YEAR)
    ledger = CreditLedgerEntry.objects.filter(teacher__is_active=True)
    for name, value in (
        ("teacher__school__county__path__startswith", path or None),
        ("teacher__school", school),
        ("teacher__career_stage", stage),
        ("teacher__school__school_type", school_type),
    ):
        if value is not None:
            progress = progress.filter(**{name: value})
            years = years.filter(**{name: value})
            ledger = ledger.filter(**{name: value})
    statuses = Counter(progress.values_list("status", flat=True))
    trained_year = (
        ledger.filter(school_year=YEAR)
        .values("teacher")
        .annotate(total=Sum("credits"))
        .filter(total__gt=0)
        .count()
    )
    trained_cycle = (
        ledger.values("teacher").annotate(total=Sum("credits")).filter(total__gt=0).count()
    )
    short = Counter()
    for row in progress.exclude(status="complete"):
        short.update(key for key, value in row.shortfall.items() if value > 0)
    owing = years.filter(is_owed=True)
    short_year = Counter()
    for row in owing:
        short_year.update(key for key, value in row.shortfall.items() if value > 0)
    return {
        "teachers": progress.count(),
        "statuses": {s: statuses.get(s, 0) for s in ("complete", "on_track", "at_risk", "behind")},
        "trained_year": trained_year,
        "trained_cycle": trained_cycle,
        "owing_year": owing.count(),
        "complete_year": owing.filter(is_complete=True).count(),
        "credits_year": ledger.filter(school_year=YEAR).aggregate(s=Sum("credits"))["s"]
        or Decimal(0),
        "credits_cycle": ledger.aggregate(s=Sum("credits"))["s"] or Decimal(0),
        "short": short,
        "short_year": short_year,
    }


def _assert_same(cycle, year, direct, *, lists=True):
    """Compare figures with a direct count; `lists`: also the teachers short per row, which
    totals and subordinate units carry (school rows and breakdowns are summed in SQL)."""
    assert cycle.teachers == direct["teachers"]
    assert {s: getattr(cycle, s) for s in direct["statuses"]} == direct["statuses"]
    assert cycle.trained == direct["trained_cycle"]
    assert cycle.credits == direct["credits_cycle"]
    if lists:
        assert dict(cycle.short_by_row) == dict(direct["short"])
    assert year.teachers == direct["teachers"]
    assert year.trained == direct["trained_year"]
    assert year.owing == direct["owing_year"]
    assert year.complete == direct["complete_year"]
    assert year.credits == direct["credits_year"]
    assert year.coverage == ratio(direct["trained_year"], direct["teachers"])
    assert year.completion == ratio(direct["complete_year"], direct["owing_year"])
    if lists:
        assert dict(year.short_by_row) == dict(direct["short_year"])


def test_the_data_has_every_kind_of_figure(region):
    """The fixture is worth testing against: several statuses, trained and untrained teachers."""
    direct = _direct()
    assert direct["teachers"] == 36
    assert sum(1 for n in direct["statuses"].values() if n) >= 2
    assert 0 < direct["trained_year"] < direct["teachers"]
    assert direct["short"]
    assert direct["short_year"]
    # The withdrawn record left a teacher with ledger entries but no credit this year.
    netted = (
        CreditLedgerEntry.objects.filter(school_year=YEAR)
        .values("teacher")
        .annotate(total=Sum("credits"))
        .filter(total=0)
    )
    assert netted.exists()


@pytest.mark.parametrize("level", ["region", "prefecture", "county"])
def test_each_levels_totals_and_rows_equal_direct_counts(region, level):
    unit = {
        "region": region["region"],
        "prefecture": region["prefectures"][0],
        "county": region["counties"][0],
    }[level]
    overview = overview_of(region["officers"]["region"], unit, school_year=YEAR)
    assert overview.school_year == YEAR
    _assert_same(overview.cycle, overview.year, _direct(path=unit.path))
    assert overview.rows
    for row in overview.rows:
        if row.is_school:
            _assert_same(row.cycle, row.year, _direct(school=int(row.key)), lists=False)
        else:
            child = unit.children.get(code=row.key)
            assert row.name == child.name
            _assert_same(row.cycle, row.year, _direct(path=child.path))
    # Every subordinate unit with teachers has its row, and the rows add up to the total.
    assert sum(r.cycle.teachers for r in overview.rows) == overview.cycle.teachers


def test_breakdowns_and_trend_equal_direct_counts(region):
    overview = overview_of(region["officers"]["region"], region["region"], school_year=YEAR)
    for breakdown in overview.by_school_type:
        direct = _direct(school_type=breakdown.key)
        _assert_same(breakdown.cycle, breakdown.year, direct, lists=False)
    assert {b.label for b in overview.by_school_type} == {"小学", "初中", "幼儿园"}
    for breakdown in overview.by_stage:
        _assert_same(breakdown.cycle, breakdown.year, _direct(stage=breakdown.key), lists=False)
    assert [p.school_year for p in overview.trend] == ["2024-2025", "2025-2026", "2026-2027"]
    for point in overview.trend:
        trained = (
            CreditLedgerEntry.objects.filter(teacher__is_active=True, school_year=point.school_year)
            .values("teacher")
            .annotate(total=Sum("credits"))
            .filter(total__gt=0)
            .count()
        )
        assert point.figures.trained == trained
        assert (
            point.figures.complete
            == SchoolYearProgress.objects.filter(
                teacher__is_active=True,
                school_year=point.school_year,
                is_owed=True,
                is_complete=True,
            ).count()
        )
    # The most-short rows, most first, with the policy's labels.
    counts = [n for _key, _label, n in overview.short_rows]
    assert counts == sorted(counts, reverse=True)
    assert all(label for _key, label, _n in overview.short_rows)


def test_targets_come_from_the_policy(region):
    overview = overview_of(region["officers"]["region"], region["region"], school_year=YEAR)
    assert (overview.targets.coverage, overview.targets.completion) == (Decimal(98), Decimal(95))
    assert overview.targets.source == "POLICIES §7.15"
    assert overview.has_year_rows  # Xinjiang owes 18 a school year (004 五(一))
    assert overview.completion == overview.year.completion


def test_no_row_of_another_jurisdiction_is_read(region):
    """A prefecture officer asking for the region sees only their own prefecture's counts."""
    officer = region["officers"]["653100"]
    overview = overview_of(officer, region["region"], school_year=YEAR)
    assert [row.key for row in overview.rows] == ["653100"]
    _assert_same(overview.cycle, overview.year, _direct(path=region["prefectures"][0].path))
    county_officer = region["officers"]["653121"]
    seen = overview_of(county_officer, region["prefectures"][0], school_year=YEAR)
    assert [row.key for row in seen.rows] == ["653121"]


def test_summaries_are_replaced_not_added_by_a_second_audit(region):
    before = ProgressSummary.objects.count()
    for county in region["counties"]:
        audit_county(county_id=county.pk, as_of=AS_OF, issue=False)
    assert ProgressSummary.objects.count() == before
    assert ProgressSummary.objects.filter(school_year=CYCLE, school__isnull=False).count() == 5
    # One total row per county and period, beside the rows by school type and career stage.
    totals = ProgressSummary.objects.filter(school__isnull=True, school_type="", career_stage="")
    assert totals.filter(school_year=CYCLE).count() == 3


def test_rows_sort_by_any_column(region):
    overview = overview_of(region["officers"]["region"], region["counties"][0], school_year=YEAR)
    by_coverage = sort_rows(overview.rows, "coverage", descending=True)
    values = [r.year.coverage for r in by_coverage]
    assert values == sorted(values, reverse=True)
    assert sort_rows(overview.rows, "no-such-column", descending=False) == overview.rows


@pytest.mark.parametrize("wanted", ["", "attention", "year_incomplete", "behind"])
def test_the_school_page_lists_who_lacks_what_by_when(client, region, wanted):
    """A school's page: the filtered teachers, each with every shortfall and its due date."""
    school = region["schools"][0]
    client.force_login(region["officers"][school.county.code])
    response = client.get(reverse("credits:school_overview", args=[school.pk]), {"status": wanted})
    shown = {s.teacher_id: s for s in response.context["standings"]}
    progress = CycleProgress.objects.filter(teacher__school=school, teacher__is_active=True)
    years = {
        y.teacher_id: y
        for y in SchoolYearProgress.objects.filter(teacher__school=school, school_year=YEAR)
    }
    expected = {
        "": progress,
        "attention": progress.filter(status__in=["at_risk", "behind"]),
        "behind": progress.filter(status="behind"),
        "year_incomplete": progress.filter(
            teacher_id__in=[t for t, y in years.items() if y.is_owed and not y.is_complete]
        ),
    }[wanted]
    assert set(shown) == set(expected.values_list("teacher_id", flat=True))
    assert shown or wanted == "behind"
    year_end = datetime.date(2027, 8, 31)
    cycle_end = datetime.date(2028, 12, 31)
    for row in expected:
        standing = shown[row.teacher_id]
        year = years.get(row.teacher_id)
        owed_year = {
            k: v for k, v in (year.shortfall if year and year.is_owed else {}).items() if v
        }
        assert sorted(short for _l, short, due in standing.lacks if due == year_end) == sorted(
            owed_year.values()
        )
        assert sorted(short for _l, short, due in standing.lacks if due == cycle_end) == sorted(
            v for v in row.shortfall.values() if v
        )
