"""The incremental nightly audit: triggers mark stale teachers, and a night that recomputes only
them (plus the date-driven statuses of everyone else) ends where a full recompute ends.

PostgreSQL only: the marks are written by its triggers (credits/migrations/0010).
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.progress import (
    _recompute_in_database,
    _recompute_with_engine,
    clear_stale_marks,
    plan_recompute,
)
from audit.tests.test_audit_sql import _random_county, _snapshot
from credits import rules
from credits.models import (
    CountySummary,
    CreditLedgerEntry,
    CycleProgress,
    SchoolYearProgress,
    StaleProgress,
)
from credits.rules import presets
from credits.selectors import active_policy
from institutions.models import School
from projects.choices import RecordStatus
from projects.models import TrainingProject, TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.models import Teacher, TeacherGroup
from trainees.tests.factories import TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _last_audit(world, spec, as_of, version=None):
    """The county summary an audit of `as_of` leaves: what plan_recompute compares with."""
    return CountySummary.objects.create(
        county=world.C1,
        policy_code=spec.code,
        as_of=as_of,
        policy_version=spec.version if version is None else version,
        teachers=0,
        complete=0,
        on_track=0,
        at_risk=0,
        behind=0,
        computed_at=timezone.now(),
    )


def _marked() -> set[int]:
    return set(StaleProgress.objects.values_list("teacher_id", flat=True))


def _posting(teacher_id, spec, day, credits=Decimal("2.5"), category=None):
    """An approved record of a new project and its ledger posting (not yet saved)."""
    record = TrainingRecord.objects.create(
        teacher_id=teacher_id,
        project=TrainingProjectFactory(),
        hours=Decimal(10),
        completed_on=day,
        status=RecordStatus.APPROVED,
    )
    return CreditLedgerEntry(
        teacher_id=teacher_id,
        record=record,
        policy=active_policy("xinjiang-2024"),
        occurred_on=day,
        school_year=rules.school_year_of(day, spec),
        category=category or str(spec.categories[0]),
        effective_hours=Decimal(10),
        base=credits,
        bonus=Decimal(0),
        credits=credits,
        bonus_rate=Decimal(0),
        explanation="补登",
        posted_at=timezone.now(),
    )


def test_every_write_path_marks_exactly_the_teachers_it_touched(world):
    spec = presets.get_preset("xinjiang-2024")
    a, b, c = (TeacherFactory(school=world.S1) for _ in range(3))
    project = TrainingProjectFactory(issuing_unit=world.R)
    StaleProgress.objects.all().delete()

    # A ledger posting written in bulk (the approval service, the API push, the import).
    posting = _posting(a.pk, spec, datetime.date(2025, 3, 1))
    StaleProgress.objects.all().delete()
    CreditLedgerEntry.objects.bulk_create([posting])
    assert _marked() == {a.pk}
    StaleProgress.objects.all().delete()

    # A record registered, then changed by QuerySet.update (no signals, still marked).
    record = TrainingRecord.objects.create(
        teacher=b, project=project, hours=Decimal(10), completed_on=datetime.date(2025, 3, 1)
    )
    assert _marked() == {b.pk}
    StaleProgress.objects.all().delete()
    TrainingRecord.objects.filter(pk=record.pk).update(status=RecordStatus.APPROVED)
    assert _marked() == {b.pk}
    StaleProgress.objects.all().delete()

    # The hire date counts; the subject taught does not.
    Teacher.objects.filter(pk=c.pk).update(subject="chinese")
    assert _marked() == set()
    Teacher.objects.filter(pk=c.pk).update(hired_on=datetime.date(2025, 9, 1))
    assert _marked() == {c.pk}
    StaleProgress.objects.all().delete()

    # Groups, both ways.
    group = TeacherGroup.objects.get(code="class_teacher")
    a.group_tags.add(group)
    assert _marked() == {a.pk}
    StaleProgress.objects.all().delete()
    a.group_tags.remove(group)
    assert _marked() == {a.pk}
    StaleProgress.objects.all().delete()

    # The school turns into a teacher-development school: all its teachers.
    School.objects.filter(pk=world.S1.pk).update(is_teacher_development_school=True)
    assert {a.pk, b.pk, c.pk} <= _marked()
    assert _marked() == set(world.S1.teachers.values_list("pk", flat=True))
    StaleProgress.objects.all().delete()

    # The project's dates move: the teachers with records of it (the anomaly checks).
    TrainingProject.objects.filter(pk=project.pk).update(
        ends_on=project.ends_on + datetime.timedelta(days=3)
    )
    assert _marked() == {b.pk}
    StaleProgress.objects.all().delete()

    # A teacher leaves (inactive), and the ledger row is corrected in place.
    Teacher.objects.filter(pk=a.pk).update(is_active=False)
    CreditLedgerEntry.objects.filter(teacher=a).update(base=Decimal(3), credits=Decimal(3))
    assert _marked() == {a.pk}


def test_only_the_marks_read_are_cleared(world):
    teacher = TeacherFactory(school=world.S1)
    spec = presets.get_preset("xinjiang-2024")
    _last_audit(world, spec, datetime.date(2025, 10, 1))
    plan = plan_recompute(world.C1.pk, spec, datetime.date(2025, 10, 2), engine="sql")
    assert teacher.pk in plan.teacher_ids
    # Written while the audit ran (after its plan): kept for the next night.
    late = StaleProgress.objects.create(teacher=teacher)
    clear_stale_marks(plan)
    assert plan.stale_marks
    assert not StaleProgress.objects.filter(pk__in=plan.stale_marks).exists()
    assert StaleProgress.objects.filter(pk=late.pk).exists()


@pytest.mark.parametrize(
    ("summary", "as_of", "reason"),
    [
        (None, datetime.date(2025, 10, 2), "first"),
        ({"as_of": datetime.date(2025, 10, 1), "policy_version": 0}, None, "policy"),
        ({"as_of": datetime.date(2025, 10, 1)}, datetime.date(2025, 9, 30), "earlier"),
        ({"as_of": datetime.date(2025, 8, 31)}, datetime.date(2025, 9, 1), "school_year"),
        ({"as_of": datetime.date(2025, 10, 1)}, datetime.date(2025, 10, 2), ""),
        ({"as_of": datetime.date(2025, 10, 1)}, datetime.date(2026, 8, 31), ""),
    ],
)
def test_everyone_is_recomputed_when_the_stored_rows_cannot_be_trusted(
    world, summary, as_of, reason
):
    spec = presets.get_preset("xinjiang-2024")
    if summary is not None:
        _last_audit(world, spec, summary["as_of"], version=summary.get("policy_version"))
    as_of = as_of or datetime.date(2025, 10, 2)
    plan = plan_recompute(world.C1.pk, spec, as_of, engine="sql")
    assert plan.everyone is bool(reason)
    assert plan.reason == (reason or "stale")
    assert plan_recompute(world.C1.pk, spec, as_of, engine="sql", full=True).everyone


def test_a_deadline_still_ahead_recomputes_everyone(world):
    spec = presets.get_preset("songjiang-13")
    deadline = min(r.counted_until for r in spec.rows if r.counted_until is not None)
    _last_audit(world, spec, deadline - datetime.timedelta(days=2))
    before = plan_recompute(world.C1.pk, spec, deadline, engine="sql")
    assert (before.everyone, before.reason) == (True, "deadline")


def _school_year_inside(spec, rng):
    """Two days of one school year inside the cycle, far enough apart for statuses to move."""
    years = [
        rules.school_year_bounds(y, spec)
        for y in rules.cycle_school_years(spec)
        if rules.school_year_bounds(y, spec)[1] < spec.cycle_end
    ]
    start, end = years[min(1, len(years) - 1)]
    return start + datetime.timedelta(days=20), end - datetime.timedelta(days=20)


@pytest.mark.parametrize("code", presets.PRESET_CODES)
def test_an_incremental_night_ends_where_a_full_recompute_ends(world, code):
    spec = presets.get_preset(code)
    rng = random.Random(f"night-{code}")
    ids = _random_county(world, spec, rng)
    night_1, night_2 = _school_year_inside(spec, rng)
    # Dated after night 1 and before night 2: it starts counting on its own, unwritten.
    CreditLedgerEntry.objects.bulk_create(
        [_posting(ids[1], spec, night_1 + datetime.timedelta(days=10), Decimal(30))]
    )

    _recompute_in_database(world.C1.pk, spec, night_1)
    StaleProgress.objects.all().delete()  # night 1 consumed them
    _last_audit(world, spec, night_1)

    # The day between: postings, a reversal, a hire date, groups, a move, a leaver.
    day = night_1 + datetime.timedelta(days=30)
    CreditLedgerEntry.objects.bulk_create(
        [
            _posting(ids[2], spec, day, Decimal(40)),
            _posting(ids[3], spec, day, Decimal("7.5"), category=str(spec.categories[-1])),
        ]
    )
    touched = {ids[1], ids[2], ids[3]}
    posting = CreditLedgerEntry.objects.filter(teacher_id=ids[4], credits__gt=0).first()
    if posting:
        CreditLedgerEntry.objects.filter(pk=posting.pk).update(base=Decimal(0), credits=Decimal(0))
        touched.add(ids[4])
    if (
        Teacher.objects.filter(pk=ids[5])
        .exclude(hired_on=spec.cycle_start)
        .update(hired_on=spec.cycle_start)
    ):
        touched.add(ids[5])
    groups = list(TeacherGroup.objects.order_by("code"))
    Teacher.objects.get(pk=ids[6]).group_tags.set(groups[:2])
    Teacher.objects.get(pk=ids[7]).group_tags.clear()
    development = School.objects.get(county=world.C1, name="发展学校")
    Teacher.objects.filter(pk=ids[8]).update(school=development)
    Teacher.objects.filter(pk=ids[9]).update(is_active=False)
    touched |= _marked() & set(ids[6:10])

    plan = plan_recompute(world.C1.pk, spec, night_2, engine="sql")
    deadline_ahead = any(r.counted_until and night_1 < r.counted_until for r in spec.rows)
    assert plan.everyone is deadline_ahead
    if not plan.everyone:
        assert touched <= plan.teacher_ids
        assert len(plan.teacher_ids) < len(ids)  # the others are not recomputed
    _recompute_in_database(world.C1.pk, spec, night_2, plan)
    active = [pk for pk in ids if pk != ids[9]]
    actual = _snapshot(active)

    CycleProgress.objects.all().delete()
    SchoolYearProgress.objects.all().delete()
    _recompute_with_engine(world.C1, spec, night_2)
    expected = _snapshot(active)
    for key in expected[0]:
        assert actual[0].get(key) == expected[0][key], key
    for key in expected[1]:
        assert actual[1].get(key) == expected[1][key], key
    assert actual == expected


def test_an_incremental_night_writes_only_what_changed(world):
    spec = presets.get_preset("xinjiang-2024")
    ids = _random_county(world, spec, random.Random(3), teachers=12)
    night_1 = datetime.date(2025, 10, 1)
    _recompute_in_database(world.C1.pk, spec, night_1)
    StaleProgress.objects.all().delete()
    _last_audit(world, spec, night_1)
    years = dict(SchoolYearProgress.objects.values_list("pk", "computed_at"))
    CreditLedgerEntry.objects.bulk_create([_posting(ids[0], spec, datetime.date(2025, 10, 2))])
    plan = plan_recompute(world.C1.pk, spec, datetime.date(2025, 10, 2), engine="sql")
    assert plan.teacher_ids == {ids[0]}
    _recompute_in_database(world.C1.pk, spec, datetime.date(2025, 10, 2), plan)
    changed = {
        pk
        for pk, at in SchoolYearProgress.objects.values_list("pk", "computed_at")
        if years.get(pk) != at
    }
    assert changed
    assert set(
        SchoolYearProgress.objects.filter(pk__in=changed).values_list("teacher_id", flat=True)
    ) == {ids[0]}


def test_statuses_follow_the_date_with_no_teacher_recomputed(world):
    """Nobody's data changed: no teacher is recomputed, yet statuses slip as time passes."""
    spec = presets.get_preset("xinjiang-2024")
    ids = []
    for credits in (Decimal(10), Decimal(16), Decimal(22), Decimal(40)):
        teacher = TeacherFactory(school=world.S1, hired_on=datetime.date(2015, 9, 1))
        CreditLedgerEntry.objects.bulk_create(
            [_posting(teacher.pk, spec, datetime.date(2024, 3, 1), credits)]
        )
        ids.append(teacher.pk)
    night_1, night_2 = datetime.date(2025, 9, 10), datetime.date(2026, 8, 20)
    _recompute_in_database(world.C1.pk, spec, night_1)
    first = dict(CycleProgress.objects.values_list("teacher_id", "status"))
    StaleProgress.objects.all().delete()
    _last_audit(world, spec, night_1)
    plan = plan_recompute(world.C1.pk, spec, night_2, engine="sql")
    assert (plan.everyone, plan.teacher_ids) == (False, frozenset())
    _recompute_in_database(world.C1.pk, spec, night_2, plan)
    actual = _snapshot(ids)
    CycleProgress.objects.all().delete()
    SchoolYearProgress.objects.all().delete()
    _recompute_with_engine(world.C1, spec, night_2)
    assert actual == _snapshot(ids)
    moved = {t for t in ids if actual[0][t][0] != first[t]}
    assert moved, (first, {t: actual[0][t][0] for t in ids})


@pytest.mark.django_db(transaction=True)  # the delete commits: deferred checks run
def test_a_teacher_can_be_deleted_and_their_marks_are_purged(world):
    """Deleting a teacher removes their group tags first, which marks them; that must not
    break the delete, and the nightly purge drops the orphan mark."""
    from audit.progress import purge_orphan_marks

    teacher = TeacherFactory(school=world.S1)
    teacher.group_tags.add(TeacherGroup.objects.get(code="class_teacher"))
    pk = teacher.pk
    teacher.delete()
    assert StaleProgress.objects.filter(teacher_id=pk).exists()  # marked while deleted
    kept = TeacherFactory(school=world.S1).pk
    assert purge_orphan_marks() >= 1
    assert not StaleProgress.objects.filter(teacher_id=pk).exists()
    assert StaleProgress.objects.filter(teacher_id=kept).exists()
