"""The compiled SQL audit equals the rule engine for every teacher, under all five presets.

audit/progress_sql.py mirrors `rules.progress_from_sums` and `progress_status` in one
PostgreSQL statement. These tests build random ledgers — hires before, inside and after the
cycle, every group a preset's rows name, reversals, entries outside the cycle window, several
"today"s — and compare every CycleProgress and SchoolYearProgress row the statement writes
with the rows the engine path writes for the same teachers.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection

from audit.progress import _recompute_in_database, _recompute_with_engine
from audit.progress_sql import round_sql
from credits.models import CreditLedgerEntry, CycleProgress, SchoolYearProgress
from credits.models.ledger import EntryType
from credits.rules import presets
from credits.selectors import active_policy
from institutions.tests.factories import SchoolFactory
from projects.choices import RecordStatus
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.models import TeacherGroup
from trainees.tests.factories import TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CREDITS = [Decimal(v) for v in ("0", "0.5", "1.25", "2.5", "3.33", "7.35", "10", "10.5", "21")]


def _snapshot(teacher_ids):
    cycles = {
        row.teacher_id: (
            row.status,
            row.is_new_teacher,
            row.counted_total,
            row.required_total,
            row.policy_version,
            row.cycle_end,
            *({k: Decimal(v) for k, v in getattr(row, f).items()} for f in _CYCLE_JSON),
        )
        for row in CycleProgress.objects.filter(teacher_id__in=teacher_ids)
    }
    years = {
        (row.teacher_id, row.school_year): (
            row.is_owed,
            row.is_complete,
            *({k: Decimal(v) for k, v in getattr(row, f).items()} for f in _YEAR_JSON),
        )
        for row in SchoolYearProgress.objects.filter(teacher_id__in=teacher_ids)
    }
    return cycles, years


_CYCLE_JSON = ("earned", "counted", "required", "shortfall", "offset")
_YEAR_JSON = ("earned", "counted", "required", "shortfall")


def _random_county(world, spec, rng, teachers=40):
    """Teachers of county C1 with random hires, groups and ledgers for `spec`."""
    policy = active_policy("xinjiang-2024")
    plain, development = world.S1, SchoolFactory(county=world.C1, name="发展学校")
    development.is_teacher_development_school = True
    development.save()
    words = {g for row in spec.rows for g in row.groups | row.exempt_groups}
    words |= {"new_teacher", "class_teacher", "backbone"}
    groups = {g.code: g for g in TeacherGroup.objects.filter(code__in=[str(w) for w in words])}
    projects = [TrainingProjectFactory(issuing_unit=world.R) for _ in range(25)]
    span = (spec.cycle_end - spec.cycle_start).days
    hires = [
        datetime.date(2010, 9, 1),
        spec.cycle_start,
        spec.cycle_start + datetime.timedelta(days=400),
        spec.cycle_end,
        spec.cycle_end + datetime.timedelta(days=30),
    ]
    categories = [str(c) for c in spec.categories] + ["class_teacher"]
    ids, entries = [], []
    for index in range(teachers):
        hired = (
            rng.choice(hires)
            if index % 3
            else spec.cycle_start + datetime.timedelta(days=rng.randrange(-900, span + 60))
        )
        teacher = TeacherFactory(
            school=development if index % 7 == 0 else plain, hired_on=hired, name=f"随机{index}"
        )
        tags = rng.sample(sorted(groups), k=rng.randrange(0, min(3, len(groups)) + 1))
        teacher.group_tags.add(*(groups[t] for t in tags))
        ids.append(teacher.pk)
        chosen = rng.sample(projects, k=rng.randrange(0, 18))
        records = TrainingRecord.objects.bulk_create(
            TrainingRecord(
                teacher=teacher,
                project=project,
                hours=Decimal(10),
                completed_on=spec.cycle_start,
                status=RecordStatus.APPROVED,
            )
            for project in chosen
        )
        for record in records:
            occurred = spec.cycle_start + datetime.timedelta(days=rng.randrange(-120, span + 120))
            credits = rng.choice(CREDITS) * (6 if spec.unit == "hours" else 1)
            entries.append(
                CreditLedgerEntry(
                    teacher=teacher,
                    record=record,
                    policy=policy,
                    occurred_on=occurred,
                    school_year=presets_school_year(occurred, spec),
                    category=rng.choice(categories),
                    effective_hours=Decimal(10),
                    base=credits,
                    bonus=Decimal(0),
                    credits=credits,
                    bonus_rate=Decimal(0),
                    explanation="随机",
                    posted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                )
            )
    CreditLedgerEntry.objects.bulk_create(entries)
    reversals = []
    for entry in entries[::9]:  # some postings withdrawn: a reversal cancels them
        reversals.append(
            CreditLedgerEntry(
                teacher_id=entry.teacher_id,
                record_id=entry.record_id,
                policy=policy,
                entry_type=EntryType.REVERSAL,
                reverses=entry,
                occurred_on=entry.occurred_on,
                school_year=entry.school_year,
                category=entry.category,
                effective_hours=-entry.effective_hours,
                base=-entry.base,
                bonus=Decimal(0),
                credits=-entry.credits,
                bonus_rate=Decimal(0),
                explanation="撤销",
                posted_at=entry.posted_at,
            )
        )
    CreditLedgerEntry.objects.bulk_create(reversals)
    return ids


def presets_school_year(day, spec):
    from credits import rules

    return rules.school_year_of(day, spec)


@pytest.mark.parametrize("code", presets.PRESET_CODES)
@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_sql_equals_the_engine_for_every_teacher(world, code, seed):
    spec = presets.get_preset(code)
    rng = random.Random(f"{code}-{seed}")
    ids = _random_county(world, spec, rng)
    span = (spec.cycle_end - spec.cycle_start).days
    days = [
        spec.cycle_start + datetime.timedelta(days=rng.randrange(0, span)),
        spec.cycle_start + datetime.timedelta(days=rng.randrange(0, span)),
        spec.cycle_end + datetime.timedelta(days=200),
    ]
    seen_statuses, seen_offsets, seen_new = set(), 0, 0
    for as_of in days:
        CycleProgress.objects.all().delete()
        SchoolYearProgress.objects.all().delete()
        engine_counts = _recompute_with_engine(world.C1, spec, as_of)
        expected = _snapshot(ids)
        CycleProgress.objects.all().delete()
        SchoolYearProgress.objects.all().delete()
        sql_counts = _recompute_in_database(world.C1.pk, spec, as_of)
        actual = _snapshot(ids)
        assert len(actual[0]) == len(ids)
        for key in expected[0]:
            assert actual[0].get(key) == expected[0][key], (as_of, key)
        assert actual[0] == expected[0], as_of
        assert actual[1] == expected[1], as_of
        assert sql_counts == engine_counts
        seen_statuses.update(sql_counts)
        seen_offsets += sum(1 for row in actual[0].values() if row[-1])
        seen_new += sum(1 for row in actual[0].values() if row[1])
    # The data reaches the interesting branches: several statuses, new teachers, offsets.
    assert len(seen_statuses) >= 2
    assert seen_new
    assert seen_offsets or not spec.offsets


def test_a_rerun_writes_nothing_and_a_change_rewrites_only_its_teacher(world):
    spec = presets.get_preset("xinjiang-2024")
    ids = _random_county(world, spec, random.Random(7), teachers=12)
    as_of = datetime.date(2026, 6, 30)
    _recompute_in_database(world.C1.pk, spec, as_of)
    first = dict(CycleProgress.objects.values_list("teacher_id", "computed_at"))
    years = dict(SchoolYearProgress.objects.values_list("pk", "computed_at"))
    _recompute_in_database(world.C1.pk, spec, as_of)
    assert dict(CycleProgress.objects.values_list("teacher_id", "computed_at")) == first
    assert dict(SchoolYearProgress.objects.values_list("pk", "computed_at")) == years
    entry = CreditLedgerEntry.objects.filter(teacher_id=ids[0], credits__gt=0).first()
    CreditLedgerEntry.objects.filter(pk=entry.pk).update(
        base=entry.base + 1, credits=entry.credits + 1
    )
    _recompute_in_database(world.C1.pk, spec, as_of)
    after = dict(CycleProgress.objects.values_list("teacher_id", "computed_at"))
    assert [t for t in ids if after[t] != first[t]] == [ids[0]]


@pytest.mark.parametrize(
    ("rounding", "value", "expected"),
    [
        ("ROUND_HALF_UP", "2.345", "2.35"),
        ("ROUND_HALF_UP", "-2.345", "-2.35"),
        ("ROUND_HALF_EVEN", "2.345", "2.34"),
        ("ROUND_HALF_EVEN", "2.355", "2.36"),
        ("ROUND_HALF_EVEN", "2.3451", "2.35"),
        ("ROUND_DOWN", "2.349", "2.34"),
        ("ROUND_DOWN", "-2.349", "-2.34"),
        ("ROUND_FLOOR", "-2.341", "-2.35"),
        ("ROUND_CEILING", "2.341", "2.35"),
    ],
)
def test_rounding_in_sql_matches_the_engine(rounding, value, expected):
    import dataclasses

    spec = dataclasses.replace(presets.get_preset("xinjiang-2024"), rounding=rounding)
    from credits import rules

    assert rules.round_credits(Decimal(value), spec) == Decimal(expected)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {round_sql('%(value)s::numeric', spec)}", {"value": value})
        assert cursor.fetchone()[0] == Decimal(expected)
