"""Schemathesis drives every operation of the live schema as the demo county client: no
server error, and every answer matches the schema (status, content type and body)."""

import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from institutions.api_clients import ApiClient, ensure_demo_api_clients

EXAMPLES = 20  # per operation: under a minute for the whole schema, SQLite or PostgreSQL
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _test_connection_kept():
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler would close it, since a test transaction is not in autocommit."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo_api(db, settings, tmp_path, _test_connection_kept):
    """天山区 (650102) with a school, teachers, records, ledger, audit rows and a certificate,
    a neighbouring county, and the demo API clients."""
    from certificates.tests.factories import issue
    from credits.services import approve_records, declare_records, recompute_county_progress
    from institutions.tests.factories import (
        CountyFactory,
        PrefectureFactory,
        RegionFactory,
        SchoolFactory,
    )
    from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
    from trainees.tests.factories import TeacherFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    region = RegionFactory()
    urumqi = PrefectureFactory(code="650100", name="乌鲁木齐市", parent=region)
    tianshan = CountyFactory(code="650102", name="天山区", parent=urumqi)
    saybagh = CountyFactory(code="650103", name="沙依巴克区", parent=urumqi)
    records = []
    for county in (tianshan, saybagh):
        school = SchoolFactory(county=county)
        project = TrainingProjectFactory(issuing_unit=county)
        for _ in range(3):
            records.append(
                TrainingRecordFactory(teacher=TeacherFactory(school=school), project=project)
            )
    ids = [r.pk for r in records[:2]]
    from institutions.tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True)
    declare_records(by=root, record_ids=ids)
    approve_records(by=root, record_ids=ids)
    recompute_county_progress(county_id=tianshan.pk, as_of=datetime.date(2025, 6, 30))
    issue(records[0].teacher)
    ensure_demo_api_clients()
    ApiClient.objects.update(requests_per_minute=100_000)


# The live schema, served by the WSGI app (no database is touched to serve it). schemathesis's
# own pytest decorator does not run under pytest 9 (it sets Function._nodeid), so each operation
# is a parametrized test that draws its cases from schemathesis's strategy.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in OPERATIONS]
)
def test_every_operation_conforms_to_the_schema(demo_api, operation):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def conforms(case):
        case.call_and_validate(headers={"Authorization": "Bearer demo-county-token"}, checks=CHECKS)

    conforms()
