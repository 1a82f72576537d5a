"""Shared fixtures and the markers that skip tests whose services are not configured."""

import json
import os
from types import SimpleNamespace

import hypothesis
import pytest
from django.conf import settings

from institutions.choices import Role

# Property tests draw the same examples on every run, so CI is repeatable; a failure names
# its example. HYPOTHESIS_PROFILE=explore draws new ones (and more of them) to look further.
hypothesis.settings.register_profile("repeatable", derandomize=True)
hypothesis.settings.register_profile("explore", max_examples=2000)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _uses_the_database(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & fixtures)


def pytest_collection_modifyitems(config, items):
    """Give every test that commits (live_server, transactional_db) a serialized rollback.

    Such tests end by flushing every table, which would also remove what data migrations
    loaded (the five credit policies, the teacher groups) for the tests that follow; with a
    serialized rollback the database is restored to its state after migrate.

    In the second database pass of `make test` (SECOND_DATABASE_PASS=1, on SQLite) only the
    tests that use the test database run: the others (the pure rule engine, file readers,
    commands run on their own database, the fault tests with their own PostgreSQL) give the
    same answer whatever DATABASE_URL says, and ran in the first pass.
    """
    if os.environ.get("SECOND_DATABASE_PASS") == "1":
        kept = [i for i in items if _uses_the_database(i) and not i.get_closest_marker("faults")]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        commits = bool({"live_server", "transactional_db"} & fixtures) or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if commits:
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


def pytest_runtest_setup(item):
    if not item.config.pluginmanager.hasplugin("django"):
        return  # the pure rule engine's tests also run with -p no:django
    engine = settings.DATABASES["default"]["ENGINE"]
    if item.get_closest_marker("postgres") and "postgresql" not in engine:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (make test does in CI)")
    needs_redis = item.get_closest_marker("redis") or item.get_closest_marker("celery")
    if needs_redis and not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _migration_data_in_committing_tests(request):
    """Make sure what data migrations load is there in tests that commit.

    A committing test starts after another one flushed every table; the serialized rollback
    normally restores the migrated state, and this reloads it where the restore did not run.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from credits.models import Policy
    from trainees.models import TeacherGroup

    if not Policy.objects.exists():
        import_module("credits.migrations.0002_load_five_presets").load_presets(apps, None)
    if not TeacherGroup.objects.exists():
        for name in ("0002_add_teacher_groups", "0004_add_development_school_group"):
            module = import_module(f"trainees.migrations.{name}")
            (getattr(module, "add_groups", None) or module.add_group)(apps, None)


@pytest.fixture(autouse=True)
def _eager_celery_unless_a_worker_test(request):
    """Run tasks in-process in unit tests (STYLE §14); `celery`-marked tests use real workers.

    With REDIS_URL set (CI) Celery would otherwise queue tasks for a worker that unit tests
    do not start.
    """
    if request.node.get_closest_marker("celery"):
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Hash test passwords with MD5: PBKDF2's deliberate slowness is not what tests measure."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher"
        ]


def placeholder_pdf(certificate, *, verify_url: str) -> bytes:
    """What a certificate's stored PDF holds in tests that are not about the PDF: its content
    as text (so a corrected certificate still differs from the old one), without WeasyPrint,
    which takes about a second a certificate while hundreds of tests issue them."""
    content = json.dumps(
        [
            certificate.kind,
            certificate.period,
            certificate.version,
            certificate.credits_by_category,
            str(certificate.total_credits),
        ],
        ensure_ascii=False,
        default=str,
    )
    text = f"% placeholder (not about the PDF): {content} {verify_url}"
    return b"%PDF-1.7\n" + text.encode() + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def _placeholder_pdf_unless_a_pdf_test(request, monkeypatch):
    """Store a placeholder instead of rendering each certificate, except in `pdf` tests.

    Numbers, hashes, storage and downloads stay real; only WeasyPrint is skipped. Workers
    started by `celery` tests are other processes and render real PDFs.
    """
    if request.node.get_closest_marker("pdf"):
        return
    monkeypatch.setattr("certificates.pdf.render_certificate_pdf", placeholder_pdf)


@pytest.fixture
def world(db):
    """Build two prefectures, three counties, schools, teachers, projects and records, and one
    account per role, so every scoping question has a row inside and a row outside."""
    from institutions.tests.factories import (
        CountyFactory,
        PrefectureFactory,
        RegionFactory,
        SchoolFactory,
        TrainingInstitutionFactory,
        UserFactory,
    )
    from projects.choices import Tier
    from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
    from trainees.tests.factories import TeacherFactory

    w = SimpleNamespace()
    w.R = RegionFactory()
    w.P1 = PrefectureFactory(code="659100", name="甲地区")
    w.P2 = PrefectureFactory(code="659200", name="乙地区")
    w.C1 = CountyFactory(parent=w.P1, code="659101", name="甲一县")
    w.C2 = CountyFactory(parent=w.P1, code="659102", name="甲二县")
    w.C3 = CountyFactory(parent=w.P2, code="659201", name="乙一县")
    w.S1 = SchoolFactory(county=w.C1, name="甲一县第一中学")
    w.S2 = SchoolFactory(county=w.C2, name="甲二县第一中学")
    w.S3 = SchoolFactory(county=w.C3, name="乙一县第一中学")
    w.I1 = TrainingInstitutionFactory(unit=w.P1, name="甲地区教育学院")
    w.I2 = TrainingInstitutionFactory(unit=w.P2, name="乙地区教育学院")
    w.T1 = TeacherFactory(school=w.S1, name="张一")
    w.T2 = TeacherFactory(school=w.S1, name="张二")
    w.T3 = TeacherFactory(school=w.S3, name="李三")
    w.proj1 = TrainingProjectFactory(issuing_unit=w.C1, institution=w.I1, name="甲一县项目")
    w.proj3 = TrainingProjectFactory(issuing_unit=w.C3, institution=w.I2, name="乙一县项目")
    w.projR = TrainingProjectFactory(
        tier=Tier.REGION, issuing_unit=w.R, institution=w.I2, name="自治区项目"
    )
    w.projN = TrainingProjectFactory(
        tier=Tier.NATIONAL, issuing_unit=None, institution=w.I2, name="国培项目"
    )
    w.projS3 = TrainingProjectFactory(
        tier=Tier.SCHOOL, issuing_unit=w.C3, school=w.S3, institution=None, name="乙校校本"
    )
    w.rec1 = TrainingRecordFactory(teacher=w.T1, project=w.proj1)
    w.rec2 = TrainingRecordFactory(teacher=w.T2, project=w.proj1)
    w.rec3 = TrainingRecordFactory(teacher=w.T3, project=w.proj3)
    # Records belong to the teacher's county, whoever issued the project.
    w.rec4 = TrainingRecordFactory(teacher=w.T1, project=w.projR)
    w.rec5 = TrainingRecordFactory(teacher=w.T3, project=w.proj1)
    w.users = {
        Role.TEACHER: UserFactory(username="t1", role=Role.TEACHER),
        Role.SCHOOL_ADMIN: UserFactory(username="s1", role=Role.SCHOOL_ADMIN, school=w.S1),
        Role.COUNTY_OFFICER: UserFactory(username="c1", role=Role.COUNTY_OFFICER, unit=w.C1),
        Role.PREFECTURE_OFFICER: UserFactory(
            username="p1", role=Role.PREFECTURE_OFFICER, unit=w.P1
        ),
        Role.REGION_OFFICER: UserFactory(username="r", role=Role.REGION_OFFICER, unit=w.R),
        Role.INSTITUTION_STAFF: UserFactory(
            username="i1", role=Role.INSTITUTION_STAFF, institution=w.I1
        ),
    }
    w.T1.user = w.users[Role.TEACHER]
    w.T1.save()
    w.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    w.nobody = UserFactory(username="nobody")
    return w
