"""Bureaus review projects: approve, or return with a note (004 六(二))."""

import datetime
from decimal import Decimal

import pytest

from institutions.choices import Role
from institutions.tests.factories import CountyFactory, SchoolFactory, UserFactory
from projects.choices import ReviewStatus, Tier
from projects.errors import ProjectsNotFound, ProjectsNotReviewable, ReviewNoteRequired
from projects.services import declare_school_based_course, review_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    school = SchoolFactory()
    admin = UserFactory(role=Role.SCHOOL_ADMIN, school=school)
    project = declare_school_based_course(
        by=admin,
        name="听评课校本研修",
        hours=Decimal(20),
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 6, 30),
    )
    return project, UserFactory(role=Role.COUNTY_OFFICER, unit=school.county)


def test_school_based_course_is_declared_for_review(course):
    """A course is a school-tier project under the school's county, waiting for review."""
    project, _officer = course
    assert (project.tier, project.review_status) == (Tier.SCHOOL, ReviewStatus.SUBMITTED)
    assert project.issuing_unit == project.school.county


def test_county_approves_with_who_and_when(course):
    """Approval records the reviewer and the time."""
    project, officer = course
    assert review_projects(by=officer, project_ids=[project.pk], is_approved=True) == 1
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.APPROVED
    assert project.reviewed_by == officer
    assert project.reviewed_at is not None
    assert project.history.latest().history_user == officer


def test_returning_needs_a_note(course):
    """A returned project tells the school what to fix."""
    project, officer = course
    with pytest.raises(ReviewNoteRequired):
        review_projects(by=officer, project_ids=[project.pk], is_approved=False)
    review_projects(by=officer, project_ids=[project.pk], is_approved=False, note="学时偏多")
    project.refresh_from_db()
    assert (project.review_status, project.review_note) == (ReviewStatus.REJECTED, "学时偏多")


def test_other_county_cannot_review(course):
    """An officer of another county finds no such project."""
    project, _officer = course
    stranger = UserFactory(role=Role.COUNTY_OFFICER, unit=CountyFactory())
    with pytest.raises(ProjectsNotFound):
        review_projects(by=stranger, project_ids=[project.pk], is_approved=True)


def test_only_submitted_projects_are_reviewed(course):
    """Approving twice is refused."""
    project, officer = course
    review_projects(by=officer, project_ids=[project.pk], is_approved=True)
    with pytest.raises(ProjectsNotReviewable):
        review_projects(by=officer, project_ids=[project.pk], is_approved=True)
