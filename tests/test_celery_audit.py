"""The nightly audit on a real Celery worker, Redis and PostgreSQL (issue #7).

These tests start real workers — one in a thread, one as a separate process that is killed
half-way — against the Redis of REDIS_URL and the test database; they skip without Redis.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit.tasks import run_nightly_audit
from certificates.models import Certificate
from credits.models import AuditRun, CycleProgress
from credits.progress import teacher_progress
from credits.services import approve_records
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.models import Teacher
from trainees.tests.factories import TeacherFactory

pytestmark = [pytest.mark.celery, pytest.mark.postgres]
AS_OF = datetime.date(2026, 6, 30)
PLAN = [
    (Category.COMPULSORY_PUBLIC, Mode.CENTRALIZED, 40, 2),
    (Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 40, 4),
    (Category.ELECTIVE, Mode.CENTRALIZED, 40, 1),
    (Category.SCHOOL_BASED, Mode.SCHOOL_BASED, 50, 2),
]


@pytest.fixture
def audited_world(django_db_serialized_rollback, transactional_db, world, tmp_path, settings):
    """`world` plus complete and partial teachers in both counties, committed for workers."""
    settings.MEDIA_ROOT = tmp_path
    projects = {
        (c, m, h): TrainingProjectFactory(
            tier=Tier.REGION, issuing_unit=world.R, category=c, mode=m, hours=h
        )
        for c, m, h, _n in PLAN
    }
    records = []
    for index, school in enumerate([world.S1, world.S1, world.S1, world.S3, world.S3]):
        teacher = TeacherFactory(school=school, name=f"老师{index}")
        for category, mode, hours, n in PLAN[: 4 if index % 2 == 0 else 2]:
            for copy in range(n):
                project = (
                    projects[(category, mode, hours)]
                    if copy == 0
                    else TrainingProjectFactory(
                        tier=Tier.REGION,
                        issuing_unit=world.R,
                        category=category,
                        mode=mode,
                        hours=hours,
                    )
                )
                records.append(
                    TrainingRecordFactory(
                        teacher=teacher,
                        project=project,
                        hours=Decimal(hours),
                        status=RecordStatus.DECLARED,
                    )
                )
    approve_records(by=world.superuser, record_ids=[r.pk for r in records])
    return world


def _wait_for_run(run_id, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AuditRun.objects.get(pk=run_id)
        if run.status == "finished":
            return run
        time.sleep(0.5)
    raise AssertionError(f"audit run {run_id} did not finish in {timeout} s")


def _assert_equals_engine(as_of=AS_OF):
    """Every teacher's stored cycle progress equals the rule engine's, computed one by one."""
    teachers = list(Teacher.objects.select_related("school__county"))
    stored = {row.teacher_id: row for row in CycleProgress.objects.all()}
    assert set(stored) == {t.pk for t in teachers}
    for teacher in teachers:
        engine = teacher_progress(teacher, as_of=as_of).progress.cycle
        row = stored[teacher.pk]
        for field in ("earned", "counted", "required", "shortfall", "offset"):
            assert {k: Decimal(v) for k, v in getattr(row, field).items()} == dict(
                getattr(engine, field)
            ), (teacher.name, field)


def _snapshot():
    rows = list(CycleProgress.objects.order_by("pk").values())
    for row in rows:
        row.pop("computed_at")
    return rows, Certificate.objects.count()


@pytest.fixture
def thread_worker():
    """A real Celery worker consuming from Redis in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def test_nightly_audit_on_a_worker_equals_the_engine_and_reruns_change_nothing(
    audited_world, thread_worker
):
    """The chord over counties runs on a real worker; a rerun changes nothing."""
    run_id = run_nightly_audit.delay(AS_OF.isoformat()).get(timeout=30)
    run = _wait_for_run(run_id)
    assert run.counties_done == run.counties_total == 2
    _assert_equals_engine()
    assert Certificate.objects.filter(kind="cycle").count() == 3  # the three complete teachers
    before = _snapshot()
    _wait_for_run(run_nightly_audit.delay(AS_OF.isoformat()).get(timeout=30))
    assert _snapshot() == before


def test_a_later_night_on_a_worker_recomputes_what_changed(audited_world, thread_worker):
    """Approvals between two nights: the next night (incremental) still equals the engine."""
    world = audited_world
    _wait_for_run(run_nightly_audit.delay(AS_OF.isoformat()).get(timeout=30))
    partial = Teacher.objects.get(name="老师1")
    records = [
        TrainingRecordFactory(
            teacher=partial,
            project=TrainingProjectFactory(
                tier=Tier.REGION, issuing_unit=world.R, category=c, mode=m, hours=h
            ),
            hours=Decimal(h),
            status=RecordStatus.DECLARED,
        )
        for c, m, h, n in PLAN[2:]
        for _ in range(n)
    ]
    approve_records(by=world.superuser, record_ids=[r.pk for r in records])
    later = AS_OF + datetime.timedelta(days=1)
    run = _wait_for_run(run_nightly_audit.delay(later.isoformat()).get(timeout=30))
    assert run.counties_done == 2
    _assert_equals_engine(as_of=later)
    assert CycleProgress.objects.get(teacher=partial).status == "complete"
    assert Certificate.objects.filter(kind="cycle").count() == 4  # and now 老师1's


def _worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_worker_killed_half_way_and_restarted_ends_correct(audited_world, tmp_path):
    """kill -9 while a county is being audited; a new worker redelivers it; the end is correct."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "MEDIA_ROOT": str(tmp_path),
    }
    first = _worker(env)
    try:
        run_id = run_nightly_audit.apply_async(args=[AS_OF.isoformat()], queue="celery").get(
            timeout=60
        )
        # Kill the worker as soon as it has taken a county task, before that task can finish.
        deadline = time.monotonic() + 60
        for line in first.stdout:
            if "audit.tasks.audit_county" in line and "received" in line.lower():
                break
            if time.monotonic() > deadline:
                raise AssertionError("the worker never received a county task")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert AuditRun.objects.get(pk=run_id).status == "running"
        time.sleep(4)  # past the visibility timeout: the unacknowledged task is due again
        second = _worker(env)
        try:
            run = _wait_for_run(run_id, timeout=120)
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert run.counties_done >= run.counties_total == 2
    _assert_equals_engine()
    # one certificate per complete teacher, whatever ran twice
    assert Certificate.objects.filter(kind="cycle", status="issued").count() == 3
    assert Path(tmp_path).exists()
