"""The anomaly statement finds what the Python checks find, key for key and word for word."""

import datetime
import random
from decimal import Decimal

import pytest

from audit.anomalies import detect_anomalies
from credits.models import AuditAnomaly
from credits.selectors import active_policy
from projects.choices import Mode, RecordStatus
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.tests.factories import TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NAMES = ["国培计划", "国培 计划", "国培\u3000计划", "区级研修", "校本教研", "信息技术 2.0"]


def _findings():
    return {
        row.key: (row.teacher_id, row.kind, tuple(row.record_ids), row.detail)
        for row in AuditAnomaly.objects.all()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_anomalies_equal_the_python_checks(world, seed):
    rng = random.Random(seed)
    projects = []
    for index in range(30):
        starts = datetime.date(2025, 3, 1) + datetime.timedelta(days=rng.randrange(0, 6))
        projects.append(
            TrainingProjectFactory(
                name=rng.choice(NAMES),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=rng.randrange(0, 2)),
                mode=rng.choice([Mode.CENTRALIZED, Mode.CENTRALIZED, Mode.ONLINE]),
                code=f"A{seed}{index:03d}",
            )
        )
    for index in range(25):
        teacher = TeacherFactory(school=world.S1, name=f"教师{index}")
        for project in rng.sample(projects, k=rng.randrange(0, 8)):
            completed = project.ends_on + datetime.timedelta(days=rng.choice([0, 0, 0, 3, -9]))
            TrainingRecord.objects.create(
                teacher=teacher,
                project=project,
                hours=Decimal(rng.choice([8, 16, 24, 40, 56])),
                completed_on=completed,
                status=rng.choice([RecordStatus.APPROVED, RecordStatus.REJECTED]),
            )
    twins = [  # one sure double claim: the same training, spelt with a full-width space
        TrainingProjectFactory(name=name, code=f"W{seed}{i}", starts_on=day, ends_on=day)
        for i, (name, day) in enumerate([("全员 培训", datetime.date(2025, 6, 1))] * 2)
    ]
    twins[1].name = "全员\u3000培训"
    twins[1].save()
    for project in twins:
        TrainingRecord.objects.create(
            teacher=teacher, project=project, hours=Decimal(8), completed_on=project.ends_on
        )
    policy = active_policy("xinjiang-2024")

    python_count = detect_anomalies(county_id=world.C1.pk, policy=policy, engine="python")
    expected = _findings()
    AuditAnomaly.objects.all().delete()
    sql_count = detect_anomalies(county_id=world.C1.pk, policy=policy, engine="sql")

    assert _findings() == expected
    assert sql_count == python_count == len(expected)
    assert {kind for _t, kind, _ids, _d in expected.values()} == {
        "overlap",
        "hours_per_day",
        "duplicate_claim",
        "outside_dates",
    }


def test_sql_anomalies_rerun_touches_and_keeps_resolved(world):
    teacher = TeacherFactory(school=world.S1, name="重复")
    for code in ("D1", "D2"):
        project = TrainingProjectFactory(
            name="同名培训",
            code=code,
            starts_on=datetime.date(2025, 4, 1),
            ends_on=datetime.date(2025, 4, 2),
        )
        TrainingRecord.objects.create(
            teacher=teacher, project=project, hours=Decimal(8), completed_on=project.ends_on
        )
    policy = active_policy("xinjiang-2024")
    detect_anomalies(county_id=world.C1.pk, policy=policy, engine="sql")
    finding = AuditAnomaly.objects.get(teacher=teacher, kind="duplicate_claim")
    AuditAnomaly.objects.filter(pk=finding.pk).update(is_resolved=True)
    detect_anomalies(county_id=world.C1.pk, policy=policy, engine="sql")
    again = AuditAnomaly.objects.get(teacher=teacher, kind="duplicate_claim")
    assert again.pk == finding.pk
    assert again.is_resolved
    assert again.last_seen_at > finding.last_seen_at
    assert again.detail == "重复：“同名培训”（2025-04-01）登记了 2 次。"
