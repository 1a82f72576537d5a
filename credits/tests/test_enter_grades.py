"""Grades are entered within the project's quotas (004 五(二)2), all or nothing."""

import pytest

from credits.errors import CreditRuleError, RecordsLocked, RecordsNotFound
from credits.services import enter_grades
from institutions.choices import Role
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    TrainingInstitutionFactory,
    UserFactory,
)
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_of_twenty():
    """A Xinjiang county project with 20 ungraded trainees and its institution's account."""
    county = CountyFactory(parent=PrefectureFactory(code="653100", parent=RegionFactory()))
    institution = TrainingInstitutionFactory(unit=county.parent)
    project = TrainingProjectFactory(issuing_unit=county, institution=institution)
    records = [
        TrainingRecordFactory(project=project, grade="", teacher__school__county=county)
        for _ in range(20)
    ]
    staff = UserFactory(role=Role.INSTITUTION_STAFF, institution=institution)
    return project, records, staff


def test_grades_within_quota_are_saved_with_history(project_of_twenty):
    """3 excellent + 3 good of 20 (15% and 30%) is exactly at the limits and is accepted."""
    project, records, staff = project_of_twenty
    grades = {r.pk: "pass" for r in records}
    grades.update({r.pk: "excellent" for r in records[:3]})
    grades.update({r.pk: "good" for r in records[3:6]})
    assert enter_grades(project=project, grades=grades, by=staff) == 20
    assert TrainingRecord.objects.filter(project=project, grade="excellent").count() == 3
    assert records[0].history.latest().history_user == staff


def test_fourth_excellent_of_twenty_is_refused_naming_the_numbers(project_of_twenty):
    """4 excellent of 20 is 20% > 15%: refused, the message names 20, 15%, 3 and 4."""
    project, records, staff = project_of_twenty
    grades = {r.pk: "pass" for r in records}
    grades.update({r.pk: "excellent" for r in records[:4]})
    with pytest.raises(CreditRuleError) as excinfo:
        enter_grades(project=project, grades=grades, by=staff)
    message = str(excinfo.value)
    assert "共 20 人" in message
    assert "优秀 不得超过 15%" in message
    assert "最多 3 人" in message
    assert "现有 4 人" in message
    assert not TrainingRecord.objects.filter(project=project).exclude(grade="").exists()


def test_quota_counts_grades_entered_earlier(project_of_twenty):
    """Entering grades in two sittings cannot get round the 30% good-or-better quota."""
    project, records, staff = project_of_twenty
    enter_grades(project=project, grades={r.pk: "good" for r in records[:6]}, by=staff)
    with pytest.raises(CreditRuleError, match="良好及以上 不得超过 30%"):
        enter_grades(project=project, grades={records[6].pk: "good"}, by=staff)


def test_other_institutions_records_cannot_be_graded(project_of_twenty):
    """Institution staff grade only their own projects' trainees."""
    project, records, _staff = project_of_twenty
    outsider = UserFactory(role=Role.INSTITUTION_STAFF, institution=TrainingInstitutionFactory())
    with pytest.raises(RecordsNotFound):
        enter_grades(project=project, grades={records[0].pk: "pass"}, by=outsider)


def test_approved_records_keep_their_grade(project_of_twenty):
    """Once credits are recognised the grade is frozen."""
    project, records, staff = project_of_twenty
    records[0].status = "approved"
    records[0].save()
    with pytest.raises(RecordsLocked, match="不能再修改考核等次"):
        enter_grades(project=project, grades={records[0].pk: "excellent"}, by=staff)
