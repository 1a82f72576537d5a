"""Schemathesis drives every operation of the live schema as the demo county client, as its
command line would from outside: every check it has, positive and negative data, its
examples, coverage and fuzzing phases. No server error, and every answer matches the schema
(status, content type, headers and body); invalid requests are refused, valid ones taken."""

import datetime

import hypothesis
import pytest
import schemathesis
from django.db import transaction
from django.test import override_settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import overrides
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from config.wsgi import application

# Examples per operation in the fuzzing phase, on top of the examples and coverage phases.
# 30, with HOSTILE_TEXT, finds what a run from outside found before #15 was fixed: the push's
# {"records": [null]}, a NUL in the simulator's ?policy= (PostgreSQL) and the blank grade of
# GET /records/. About 75 s for the whole schema on 2 cores, SQLite or PostgreSQL.
EXAMPLES = 30
# Text schemathesis slips into string values now and then (its "dictionaries"): a NUL, which
# PostgreSQL refuses in a query, and text past any length the API takes.
HOSTILE_TEXT = ["\x00", "a\x00b", "x" * 300]
# The push, the simulator and the corrections refuse bodies the schema allows for reasons only
# the database or the rules know (no such teacher, leave above hours, nothing to correct, a
# record not approved): a 400 there with a domain code is not a schema-valid body refused.
# Every other operation takes schemathesis's default statuses.
REFUSING_VALID_BODIES = (
    "/api/v1/records/bulk/",
    "/api/v1/simulate/",
    "/api/v1/records/{id}/correct/",
    "/api/v1/records/{id}/withdraw/",
)
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "headers": {"Authorization": "Bearer demo-county-token"},
        "dictionaries": {"hostile": {"values": HOSTILE_TEXT}},
        "generation": {
            "dictionaries": {"string": {"dictionary": "hostile", "probability": 0.1}},
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {
                "include-path": path,
                "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            }
            for path in REFUSING_VALID_BODIES
        ],
    }
)
MODES = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def demo_api(django_db_setup, django_db_blocker, tmp_path_factory, _test_connection_kept):
    """天山区 (650102) with a school, teachers, records (one not graded yet), ledger, audit
    rows and a certificate, a neighbouring county, and the demo API clients: built once for
    the module in a transaction rolled back at its end; each test adds a savepoint (`db`)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            # The simulator's own throttle would answer 429 after 60 cases.
            SIMULATOR_RATES={"anon": "100000/minute", "user": "100000/minute"},
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            _build_demo_world()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build_demo_world():
    from audit.progress import recompute_county_progress
    from certificates.tests.factories import issue
    from credits.services import approve_records, declare_records
    from demo.api_clients import ensure_demo_api_clients
    from institutions.tests.factories import (
        CountyFactory,
        PrefectureFactory,
        RegionFactory,
        SchoolFactory,
        UserFactory,
    )
    from platforms.models import ApiClient
    from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
    from trainees.tests.factories import TeacherFactory

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
        # A draft not graded yet: "grade": "" must match the schema.
        TrainingRecordFactory(teacher=TeacherFactory(school=school), project=project, grade="")
    ids = [r.pk for r in records[:2]]
    root = UserFactory(username="root", is_superuser=True)
    declare_records(by=root, record_ids=ids)
    approve_records(by=root, record_ids=ids)
    recompute_county_progress(county_id=tianshan.pk, as_of=datetime.date(2025, 6, 30))
    issue(records[0].teacher)
    ensure_demo_api_clients()
    ApiClient.objects.update(requests_per_minute=100_000)


# The live schema, served by the WSGI app (no database is touched to serve it). schemathesis's
# own pytest decorator does not run under pytest 9 (it sets Function._nodeid), so each operation
# is a parametrized test built by schemathesis's test builder: the same phases as its CLI.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.label for o in OPERATIONS])
def test_every_operation_conforms_to_the_schema(demo_api, db, operation):
    def conforms(case):
        case.call_and_validate()  # every check schemathesis has, as CONFIG sets them

    settings = schema.config.get_hypothesis_settings(operation=operation, phase="fuzzing")
    test = create_test(
        operation=operation,
        test_func=conforms,
        config=HypothesisTestConfig(
            project=schema.config,
            modes=MODES,
            settings=hypothesis.settings(
                settings, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
            ),
            override=overrides.with_config_headers(schema.config, operation=operation),
        ),
    )
    test()
