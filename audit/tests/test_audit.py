"""The audit's set-based progress equals the rule engine's, teacher by teacher; reruns are
idempotent; anomalies are found and listed once."""

import datetime
from decimal import Decimal

import pytest

from audit.anomalies import detect_anomalies
from audit.progress import recompute_county_progress
from credits.models import AnomalyKind, AuditAnomaly, CountySummary, CycleProgress
from credits.progress import teacher_progress
from credits.selectors import active_policy
from credits.services import approve_records
from institutions.choices import Role
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.models import TeacherGroup
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


def _approve(world, teacher, category, n=1, hours=40, tier=Tier.REGION, mode=Mode.CENTRALIZED):
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            hours=Decimal(hours),
            project=TrainingProjectFactory(
                tier=tier, issuing_unit=world.R, mode=mode, category=category, hours=hours
            ),
            completed_on=datetime.date(2025, 3, 5),
            status=RecordStatus.DECLARED,
        )
        for _ in range(n)
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])


@pytest.fixture
def busy_county(world):
    """County C1 with teachers of every kind: complete, offset-heavy, new, none at all."""
    complete = TeacherFactory(school=world.S1, name="完成")
    _approve(world, complete, Category.COMPULSORY_PUBLIC, n=2)  # 2 × 10.5
    _approve(world, complete, Category.COMPULSORY_PROFESSIONAL, n=4)  # 4 × 10.5
    _approve(world, complete, Category.ELECTIVE, n=1)
    _approve(world, complete, Category.SCHOOL_BASED, n=2, hours=50, mode=Mode.SCHOOL_BASED)
    offset = TeacherFactory(school=world.S1, name="折抵")
    _approve(world, offset, Category.COMPULSORY_PROFESSIONAL, n=8)
    newcomer = TeacherFactory(school=world.S1, name="新人", hired_on=datetime.date(2025, 9, 1))
    newcomer.group_tags.add(TeacherGroup.objects.get(code="new_teacher"))
    _approve(world, newcomer, Category.COMPULSORY_PUBLIC)
    TeacherFactory(school=world.S1, name="无记录")
    return world


def test_audit_equals_the_rule_engine_for_every_teacher(busy_county):
    """CycleProgress rows match the engine computed teacher by teacher (compare them all)."""
    w = busy_county
    # when
    audit = recompute_county_progress(county_id=w.C1.pk, as_of=AS_OF)
    # then
    rows = {
        row.teacher_id: row for row in CycleProgress.objects.filter(teacher__school__county=w.C1)
    }
    assert len(rows) == audit.teachers == 6
    for teacher in w.S1.teachers.all():
        engine = teacher_progress(teacher, as_of=AS_OF).progress.cycle
        row = rows[teacher.pk]
        for field in ("earned", "counted", "required", "shortfall", "offset"):
            assert {k: Decimal(v) for k, v in getattr(row, field).items()} == dict(
                getattr(engine, field)
            ), (teacher.name, field)
        assert (row.status == "complete") == engine.is_complete


def test_statuses_and_county_summary(busy_county):
    """The complete teacher is complete; the county summary counts each status."""
    w = busy_county
    recompute_county_progress(county_id=w.C1.pk, as_of=AS_OF)
    complete = CycleProgress.objects.get(teacher__name="完成")
    assert complete.status == "complete"
    # 63 compulsory + 10.5 elective + 21 school-based, each record 10 + 5% (004 五(二))
    assert complete.counted_total == Decimal("94.50")
    assert CycleProgress.objects.get(teacher__name="无记录").status == "behind"
    summary = CountySummary.objects.get(county=w.C1)
    assert summary.teachers == 6
    assert summary.complete + summary.on_track + summary.at_risk + summary.behind == 6


def test_rerun_changes_nothing(busy_county):
    """Running the audit twice leaves identical rows (idempotent upsert by natural key)."""
    w = busy_county
    recompute_county_progress(county_id=w.C1.pk, as_of=AS_OF)
    first = list(CycleProgress.objects.order_by("pk").values())
    recompute_county_progress(county_id=w.C1.pk, as_of=AS_OF)
    second = list(CycleProgress.objects.order_by("pk").values())
    for row in first + second:
        row.pop("computed_at")
    assert first == second


def test_anomalies_are_found_and_listed_once(world):
    """Overlap, too many hours a day, a double claim and a date outside the project."""
    # given
    policy = active_policy("xinjiang-2024")
    teacher = TeacherFactory(school=world.S1, name="异常")
    a = TrainingProjectFactory(
        name="甲培训", starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2025, 4, 5)
    )
    b = TrainingProjectFactory(
        name="乙培训", starts_on=datetime.date(2025, 4, 3), ends_on=datetime.date(2025, 4, 4)
    )
    twin = TrainingProjectFactory(
        name="甲 培训",
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 4, 5),
        mode=Mode.ONLINE,
    )
    TrainingRecordFactory(teacher=teacher, project=a, hours=40, completed_on=a.ends_on)
    TrainingRecordFactory(teacher=teacher, project=b, hours=24, completed_on=b.ends_on)
    TrainingRecordFactory(
        teacher=teacher, project=twin, hours=40, completed_on=datetime.date(2025, 5, 1)
    )
    # when
    detect_anomalies(county_id=world.C1.pk, policy=policy)
    detect_anomalies(county_id=world.C1.pk, policy=policy)
    # then
    kinds = sorted(AuditAnomaly.objects.filter(teacher=teacher).values_list("kind", flat=True))
    assert kinds == sorted(
        [
            AnomalyKind.OVERLAP,  # 甲 4/1-4/5 and 乙 4/3-4/4, both centralized
            AnomalyKind.HOURS_PER_DAY,  # 乙: 24 h in 2 days > 2 × 8
            AnomalyKind.DUPLICATE_CLAIM,  # 甲培训 and 甲 培训, same dates
            AnomalyKind.OUTSIDE_DATES,  # twin completed 5/1, after its 4/5 end
        ]
    )
    assert "24.0 学时，超过每天 8.0 学时" in AuditAnomaly.objects.get(kind="hours_per_day").detail
