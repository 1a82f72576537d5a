"""Every list endpoint runs the same number of queries for a page of 2 rows and of 20 rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from audit.progress import recompute_county_progress
from certificates.models import Certificate, CertificateKind, CertificateNumber
from credits.services import approve_records, declare_records
from institutions.choices import Role
from institutions.tests.factories import CountyFactory, SchoolFactory
from projects.choices import RecordStatus
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.models import TeacherGroup
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "units",
    "schools",
    "teachers",
    "projects",
    "records",
    "ledger",
    "cycle-progress",
    "year-progress",
    "certificates",
]


@pytest.fixture
def crowded(api):
    """At least 20 rows of every resource in county C1 (and the units of a prefecture)."""
    w = api.world
    for n in range(20):
        CountyFactory(parent=w.P1, code=f"6591{30 + n}", name=f"加一县{n}")
        SchoolFactory(county=w.C1)
    tags = list(TeacherGroup.objects.all()[:2])
    teachers = [TeacherFactory(school=w.S1) for _ in range(20)]
    for teacher in teachers:
        teacher.group_tags.set(tags)
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            project=TrainingProjectFactory(issuing_unit=w.C1, institution=w.I1),
            status=RecordStatus.DRAFT,
        )
        for teacher in teachers
    ]
    ids = [r.pk for r in records]
    declare_records(by=w.superuser, record_ids=ids)
    approve_records(by=w.superuser, record_ids=ids)
    recompute_county_progress(county_id=w.C1.pk, as_of=datetime.date(2025, 6, 30))
    now = timezone.now()
    for serial, teacher in enumerate(teachers, start=1):
        number = CertificateNumber.objects.create(
            teacher=teacher,
            number=f"{w.C1.parent.certificate_code}{w.C1.certificate_code}2{serial:04d}",
            prefix=f"{w.C1.parent.certificate_code}{w.C1.certificate_code}2",
            serial=serial,
            school=w.S1,
            allocated_at=now,
        )
        Certificate.objects.create(
            teacher=teacher,
            number=number,
            kind=CertificateKind.CYCLE,
            period="2024-2028",
            policy_code="xinjiang-2024",
            policy_version=1,
            credits_by_category=[["选修课程", "10.00"]],
            total_credits=Decimal("10.00"),
            issuing_bureau="甲一县教育局",
            issued_on=datetime.date(2028, 12, 31),
            teacher_name=teacher.name,
            masked_id_number=teacher.masked_id_number,
            school_name=w.S1.name,
        )
    return api


def _queries(client, url, page_size):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(captured.captured_queries)


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("kind", ["client", "session"])
def test_query_count_does_not_grow_with_the_page(crowded, resource, kind):
    """The region client, and a region officer's session, list 2 rows and 20 rows."""
    if kind == "client":
        client = crowded.region
    else:
        client = APIClient()
        client.force_login(crowded.world.users[Role.REGION_OFFICER])
    url = f"/api/v1/{resource}/"
    client.get(url)  # warm the content types and the permission caches of the process
    assert _queries(client, url, 2) == _queries(client, url, 20)
