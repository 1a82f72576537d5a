"""The nightly audit of a county: progress, numbers and certificates, idempotent (issue #7)."""

import datetime
from decimal import Decimal

import pytest

from audit.county import audit_county
from audit.tasks import run_nightly_audit
from certificates.models import Certificate, CertificateNumber
from credits.models import AuditRun, CycleProgress
from credits.services import approve_records
from institutions.choices import Role
from institutions.tests.factories import CountyFactory, RegionFactory, SchoolFactory
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


def _complete_cycle(world, teacher):
    """Approve 94.5 credits across every category for `teacher` (004 五(一) 90 = 60+10+20)."""
    plan = [
        (Category.COMPULSORY_PUBLIC, Mode.CENTRALIZED, 40, 2),
        (Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 40, 4),
        (Category.ELECTIVE, Mode.CENTRALIZED, 40, 1),
        (Category.SCHOOL_BASED, Mode.SCHOOL_BASED, 50, 2),
    ]
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            hours=Decimal(hours),
            project=TrainingProjectFactory(
                tier=Tier.REGION, issuing_unit=world.R, category=category, mode=mode, hours=hours
            ),
            status=RecordStatus.DECLARED,
        )
        for category, mode, hours, n in plan
        for _ in range(n)
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])


def test_audit_issues_certificates_to_complete_teachers_once(world, settings, tmp_path):
    """A complete cycle earns a numbered certificate; a rerun issues nothing new."""
    settings.MEDIA_ROOT = tmp_path
    # given
    done = TeacherFactory(school=world.S1, name="完成周期")
    _complete_cycle(world, done)
    # when
    first = audit_county(county_id=world.C1.pk, as_of=AS_OF)
    second = audit_county(county_id=world.C1.pk, as_of=AS_OF)
    # then
    assert first.certificates_issued == 1
    assert second.certificates_issued == 0
    assert first.numbers_allocated == world.C1.schools.get().teachers.count()
    assert second.numbers_allocated == 0
    certificate = Certificate.objects.get(teacher=done)
    assert certificate.period == "2024-2028"
    assert certificate.number.number.startswith(
        world.C1.parent.certificate_code + world.C1.certificate_code + "2"
    )
    assert CertificateNumber.objects.filter(teacher__school__county=world.C1).count() == 3


def test_county_without_annex_codes_gets_progress_but_no_numbers(db):
    """Another region's county (no 004 附件 codes) is audited without numbers or certificates."""
    tianjin = RegionFactory(code="120000", name="天津市")
    binhai = CountyFactory(parent=tianjin, code="120116", name="滨海新区", certificate_code="")
    teacher = TeacherFactory(school=SchoolFactory(county=binhai))
    report = audit_county(county_id=binhai.pk, as_of=AS_OF)
    assert report.teachers == 1
    assert report.numbers_allocated == 0
    assert CycleProgress.objects.get(teacher=teacher).policy_code == "tianjin-binhai-6"


def test_nightly_task_fans_out_over_counties_and_closes_the_run(world, settings, tmp_path):
    """run_nightly_audit (eager here) audits every county with teachers and closes its run."""
    settings.MEDIA_ROOT = tmp_path
    run_id = run_nightly_audit.delay(AS_OF.isoformat()).get()
    run = AuditRun.objects.get(pk=run_id)
    assert run.status == "finished"
    assert run.counties_done == run.counties_total == 2  # C1 and C3 have teachers
    assert run.teachers == 3


@pytest.mark.postgres
def test_run_audit_by_hand_recomputes_only_what_changed_unless_full(world, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from trainees.models import Teacher

    settings.MEDIA_ROOT = tmp_path
    code = world.C1.code

    def run(*extra):
        out = StringIO()
        call_command(
            "run_audit", "--sync", "--county", code, "--as-of", "2026-06-30", *extra, stdout=out
        )
        return out.getvalue()

    assert "重算" in run()
    assert "（重算 0 名）" in run()  # nothing changed since
    _complete_cycle(world, TeacherFactory(school=world.S1))
    assert "（重算 1 名）" in run()  # the approvals marked their teacher
    everyone = Teacher.objects.filter(school__county=world.C1, is_active=True).count()
    assert f"（重算 {everyone} 名）" in run("--full")
