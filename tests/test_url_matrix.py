"""Every URL of the URL conf × every user × a row of their own and of another jurisdiction (#14).

The URL patterns are read from the URL conf itself (pages, the admin with simple_history's
history and revert URLs, the API), so a URL added without a rule in tests/url_matrix_rules.py
fails `test_every_url_pattern_has_a_rule`. Each (URL, user) test sends GET and POST for the
user's home row and an away row and checks the answer the rule expects: never a 5xx, nothing
shown or written outside the jurisdiction. Each request runs in a savepoint that is rolled back,
so all tests share one world, built once for the module.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from institutions.choices import Role

from .url_matrix_rules import (
    ADMIN_KINDS,
    ADMIN_MODELS,
    ADMIN_SITE,
    ANY,
    AUTOCOMPLETE,
    DENY,
    FINDINGS,
    NOBODY,
    NOCHANGE,
    OK,
    PAGES,
    SLOTS,
    SU,
    USERS,
    AdminModel,
    Case,
    Page,
)

# -- the URL conf ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern of the URL conf, with what the matrix needs to fill and name it."""

    key: str
    route: str
    name: str | None  # namespaced, for reverse()
    params: tuple[str, ...]  # kwargs, or "#0", "#1" for positional groups
    model_admin: ModelAdmin | None = None
    kind: str | None = None


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    regex = pattern.regex
    named = tuple(regex.groupindex)
    positional = tuple(f"#{i}" for i in range(regex.groups - len(named)))
    return named + positional


def _model_admin(callback) -> ModelAdmin | None:
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None:
        model_admin = getattr(getattr(callback, "__wrapped__", None), "__self__", None)
    return model_admin if isinstance(model_admin, ModelAdmin) else None


def walk(resolver=None, prefix: str = "", namespace: str | None = None, params=()):
    """Yield every URL pattern under `resolver` (the root URL conf by default), recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        found = params + _params(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern, route, ns, found)
            continue
        assert isinstance(pattern, URLPattern)
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        model_admin = _model_admin(pattern.callback)
        if model_admin is not None:
            opts = model_admin.model._meta
            stem = f"{opts.app_label}_{opts.model_name}_"
            if pattern.name is None:
                kind = "object_redirect"
            elif pattern.name.startswith(stem):
                kind = pattern.name[len(stem) :]
            else:
                kind = pattern.name
            key = f"admin:{opts.label_lower}:{kind}"
            yield Endpoint(key, route, name, found, model_admin, kind)
        else:
            yield Endpoint(name or f"route:{route}", route, name, found)


ENDPOINTS = list(walk())
ENDPOINT_KEYS = Counter(endpoint.key for endpoint in ENDPOINTS)
BY_KEY = {endpoint.key: endpoint for endpoint in ENDPOINTS}


# -- the rules, by key ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminView:
    model: AdminModel
    kind: str


@dataclass(frozen=True)
class Autocomplete:
    pass


def _rule_entries():
    for page in PAGES + ADMIN_SITE:
        yield page.key, page
    yield "admin:autocomplete", Autocomplete()
    for model in ADMIN_MODELS:
        kinds = list(ADMIN_KINDS)
        if model.simple_history:
            kinds.append("simple_history")
        kinds.extend(model.extra_kinds)
        for kind in kinds:
            yield f"admin:{model.label}:{kind}", AdminView(model, kind)


RULE_KEYS = Counter(key for key, _rule in _rule_entries())
RULES = dict(_rule_entries())


def _xfail(key: str, user: str):
    reason = FINDINGS.get((key, user))
    if reason is None:
        return ()
    return (pytest.mark.xfail(strict=True, reason=reason),)


MATRIX = [
    pytest.param(endpoint.key, user, id=f"{endpoint.key}|{user}", marks=_xfail(endpoint.key, user))
    for endpoint in ENDPOINTS
    if endpoint.key in RULES and ENDPOINT_KEYS[endpoint.key] == 1
    for user in USERS
]


def test_every_url_pattern_has_a_rule():
    """A URL in the URL conf without a rule in url_matrix_rules.py fails here, by name."""
    missing = [f"{e.key}  ({e.route})" for e in ENDPOINTS if e.key not in RULES]
    assert not missing, "add a rule to tests/url_matrix_rules.py for:\n" + "\n".join(missing)


def test_every_rule_names_a_url_pattern():
    """A rule whose URL is gone (renamed, removed) is stale and fails here."""
    unknown = sorted(key for key in RULES if key not in BY_KEY)
    assert not unknown, "rules for URLs the URL conf does not have:\n" + "\n".join(unknown)


def test_no_rule_and_no_url_key_is_given_twice():
    """One rule per key, and one URL pattern per key (else a rule would cover two doors)."""
    rules = sorted(key for key, count in RULE_KEYS.items() if count > 1)
    urls = sorted(key for key, count in ENDPOINT_KEYS.items() if count > 1)
    assert not rules, f"rules given twice: {rules}"
    assert not urls, f"URL patterns sharing a key: {urls}"


def test_rules_fill_exactly_the_parameters_of_their_url(matrix):
    """A rule's kwargs name every parameter of its URL pattern and nothing else."""
    wrong = []
    for rule in PAGES + ADMIN_SITE:
        endpoint = BY_KEY.get(rule.key)
        if endpoint is None:
            continue  # a stale rule: test_every_rule_names_a_url_pattern says so
        row = None
        if rule.slot is not None and not rule.in_body:
            row = row_of(matrix, SLOTS[rule.slot].home, SU)
        filled = set(rule.kwargs(matrix, row, SU)) if rule.kwargs else set()
        if filled != set(endpoint.params):
            wrong.append(f"{rule.key}: fills {sorted(filled)}, URL has {list(endpoint.params)}")
    assert not wrong, "\n".join(wrong)


def test_history_rules_say_which_models_keep_versions():
    """has_history in the rules matches the models: a page of versions needs versions."""
    from simple_history.models import registered_models

    versioned = {model._meta.label_lower for model in registered_models.values()}
    wrong = [
        model.label
        for model in ADMIN_MODELS
        if model.simple_history and model.has_history != (model.label in versioned)
    ]
    assert not wrong, f"has_history disagrees with the models for {wrong}"


# -- the world ------------------------------------------------------------------------------------


def _build_world() -> SimpleNamespace:
    """The conftest `world` (two prefectures, three counties, S1..S3, T1..T3, rec1..rec5, one
    account per role), plus what the URLs need: approved, declared and draft records, ledger
    entries, progress, certificates, anomalies, API clients, uploads, a draft policy."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from audit.progress import recompute_county_progress
    from certificates.models import CertificateCounter
    from certificates.tests.factories import issue
    from credits.models import (
        AnomalyKind,
        AuditAnomaly,
        CreditLedgerEntry,
        CycleProgress,
        Policy,
        SchoolYearProgress,
    )
    from credits.services import approve_records, declare_records
    from credits.services.policies import create_policy_version
    from imports.steps import validate_upload
    from imports.uploads import store_upload
    from imports.workbooks import build_template
    from institutions.lockouts import LoginUnlock
    from institutions.tests.factories import (
        CountyFactory,
        PrefectureFactory,
        RegionFactory,
        SchoolFactory,
        TrainingInstitutionFactory,
        UserFactory,
    )
    from notices.models import Notice
    from platforms.models import ApiAccess, ApiCallLog
    from platforms.services import register_api_client
    from projects.choices import Category, Mode, ReviewStatus, Tier
    from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
    from trainees.choices import DisclosureChannel
    from trainees.models import NationalIdDisclosure, Teacher, TeacherGroup
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
    w.T4 = TeacherFactory(school=w.S3, name="李四")  # on no project of I1
    w.proj1 = TrainingProjectFactory(issuing_unit=w.C1, institution=w.I1, name="甲一县项目")
    w.proj3 = TrainingProjectFactory(issuing_unit=w.C3, institution=w.I2, name="乙一县项目")
    w.projR = TrainingProjectFactory(
        tier=Tier.REGION, issuing_unit=w.R, institution=w.I2, name="自治区项目"
    )
    w.projN = TrainingProjectFactory(
        tier=Tier.NATIONAL, issuing_unit=None, institution=w.I2, name="国培项目"
    )
    school_course = {
        "tier": Tier.SCHOOL,
        "institution": None,
        "mode": Mode.SCHOOL_BASED,
        "category": Category.SCHOOL_BASED,
    }
    w.projS3 = TrainingProjectFactory(
        issuing_unit=w.C3, school=w.S3, name="乙校校本", **school_course
    )
    w.projS1 = TrainingProjectFactory(
        issuing_unit=w.C1, school=w.S1, name="甲校校本", **school_course
    )
    w.subS1 = TrainingProjectFactory(
        issuing_unit=w.C1,
        school=w.S1,
        name="甲校待审课程",
        review_status=ReviewStatus.SUBMITTED,
        **school_course,
    )
    w.subS3 = TrainingProjectFactory(
        issuing_unit=w.C3,
        school=w.S3,
        name="乙校待审课程",
        review_status=ReviewStatus.SUBMITTED,
        **school_course,
    )
    w.rec1 = TrainingRecordFactory(teacher=w.T1, project=w.proj1)
    w.rec2 = TrainingRecordFactory(teacher=w.T2, project=w.proj1)
    w.rec3 = TrainingRecordFactory(teacher=w.T3, project=w.proj3)
    w.rec4 = TrainingRecordFactory(teacher=w.T1, project=w.projR)
    w.rec5 = TrainingRecordFactory(teacher=w.T3, project=w.proj1)
    w.rec6 = TrainingRecordFactory(teacher=w.T3, project=w.projR)

    staff = {Role.SCHOOL_ADMIN, Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.REGION_OFFICER}
    scopes = {
        Role.TEACHER: {},
        Role.SCHOOL_ADMIN: {"school": w.S1},
        Role.COUNTY_OFFICER: {"unit": w.C1},
        Role.PREFECTURE_OFFICER: {"unit": w.P1},
        Role.REGION_OFFICER: {"unit": w.R},
        Role.INSTITUTION_STAFF: {"institution": w.I1},
    }
    usernames = {
        Role.TEACHER: "t1",
        Role.SCHOOL_ADMIN: "s1",
        Role.COUNTY_OFFICER: "c1",
        Role.PREFECTURE_OFFICER: "p1",
        Role.REGION_OFFICER: "r",
        Role.INSTITUTION_STAFF: "i1",
    }
    w.users = {
        role.value: UserFactory(
            username=usernames[role], role=role, is_staff=role in staff, **scopes[role]
        )
        for role in Role
    }
    w.T1.user = w.users[Role.TEACHER]
    w.T1.save()
    w.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    w.nobody = UserFactory(username="nobody")
    w.users[SU] = w.superuser
    w.users[NOBODY] = w.nobody
    w.s3_admin = UserFactory(
        username="yi-school-admin", role=Role.SCHOOL_ADMIN, school=w.S3, is_staff=True
    )  # the owner of the away upload, locked out of logging in
    w.t1_account = w.users[Role.TEACHER]
    w.s3_account = w.s3_admin

    # rec1 and rec3 approved (ledger entries), rec2 and rec5 declared, rec4 and rec6 drafts.
    declare_records(by=w.superuser, record_ids=[w.rec1.pk, w.rec2.pk, w.rec3.pk, w.rec5.pk])
    approve_records(by=w.superuser, record_ids=[w.rec1.pk, w.rec3.pk])
    for name in ("rec1", "rec2", "rec3", "rec4", "rec5", "rec6"):
        getattr(w, name).refresh_from_db()
    w.entry1 = CreditLedgerEntry.objects.filter(record=w.rec1).first()
    w.entry3 = CreditLedgerEntry.objects.filter(record=w.rec3).first()
    for county in (w.C1, w.C3):
        recompute_county_progress(county_id=county.pk, as_of=datetime.date(2025, 6, 30))
    w.cycle1 = CycleProgress.objects.filter(teacher=w.T1).first()
    w.cycle3 = CycleProgress.objects.filter(teacher=w.T3).first()
    w.year1 = SchoolYearProgress.objects.filter(teacher=w.T1).first()
    w.year3 = SchoolYearProgress.objects.filter(teacher=w.T3).first()

    w.cert1 = issue(w.T1)
    w.cert3 = issue(w.T3)
    w.number1 = w.cert1.number
    w.number3 = w.cert3.number
    w.certificate_counter = CertificateCounter.objects.first()
    w.seal1 = _seal(w.C1)
    w.seal3 = _seal(w.C3)
    # A notice each for t1 and the away school's admin: a notice is its recipient's only.
    w.notice1 = Notice.objects.create(
        recipient=w.t1_account,
        kind="credits_corrected",
        title="学分已更正",
        body="甲",
        event_key="m1",
    )
    w.notice3 = Notice.objects.create(
        recipient=w.s3_account,
        kind="credits_corrected",
        title="学分已更正",
        body="乙",
        event_key="m3",
    )

    seen = datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC)
    w.anomaly1 = AuditAnomaly.objects.create(
        county=w.C1,
        teacher=w.T1,
        kind=AnomalyKind.OVERLAP,
        key="matrix:overlap:1",
        record_ids=[w.rec1.pk],
        detail="张一：甲 与 乙 重叠",
        found_at=seen,
        last_seen_at=seen,
    )
    w.anomaly3 = AuditAnomaly.objects.create(
        county=w.C3,
        teacher=w.T3,
        kind=AnomalyKind.OVERLAP,
        key="matrix:overlap:3",
        record_ids=[w.rec3.pk],
        detail="李三：丙 与 丁 重叠",
        found_at=seen,
        last_seen_at=seen,
    )

    w.client1 = register_api_client(
        name="甲一县平台", unit=w.C1, access=ApiAccess.READ_WRITE
    ).client
    w.client3 = register_api_client(
        name="乙一县平台", unit=w.C3, access=ApiAccess.READ_WRITE
    ).client
    now = timezone.now()
    w.call1 = ApiCallLog.objects.create(
        client=w.client1, method="GET", path="/api/v1/teachers/", status=200, duration_ms=3, at=now
    )
    w.call3 = ApiCallLog.objects.create(
        client=w.client3, method="GET", path="/api/v1/teachers/", status=200, duration_ms=3, at=now
    )

    w.published_policy = Policy.objects.get(code="xinjiang-2024", version=1)
    w.draft_policy = create_policy_version(policy=w.published_policy)

    w.uploads = {}
    for key, user in ((Role.SCHOOL_ADMIN.value, w.users[Role.SCHOOL_ADMIN]), (SU, w.superuser)):
        w.uploads[key] = _upload(user, store_upload, validate_upload, build_template)
    w.away_upload = _upload(w.s3_admin, store_upload, validate_upload, build_template)

    _give_every_row_a_version()
    w.teacher_type = ContentType.objects.get_for_model(Teacher)
    w.group = Group.objects.order_by("name").first()
    w.teacher_group = TeacherGroup.objects.order_by("pk").first()
    w.interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    w.periodic_task = PeriodicTask.objects.create(
        name="矩阵任务", task="credits.tasks.nothing", interval=w.interval
    )
    w.clocked = ClockedSchedule.objects.create(clocked_time=now)
    w.crontab = CrontabSchedule.objects.create(minute="5")
    w.solar = SolarSchedule.objects.create(event="sunrise", latitude=43.8, longitude=87.6)
    access = {
        "user_agent": "matrix",
        "ip_address": "10.0.0.9",
        "username": "t1",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    for account in (w.t1_account, w.s3_account):  # both locked out at 10.0.0.9
        attempt = AccessAttempt.objects.create(
            **{**access, "username": account.username},
            get_data="",
            post_data="",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
        )
        if account == w.t1_account:
            w.access_attempt = attempt
    w.unlock1 = LoginUnlock.objects.create(
        account=w.t1_account,
        ip_address="10.0.0.8",
        failures=10,
        last_failure_at=now,
        lifted_by=w.superuser,
    )
    w.unlock3 = LoginUnlock.objects.create(
        account=w.s3_account,
        ip_address="10.0.0.8",
        failures=10,
        last_failure_at=now,
        lifted_by=w.superuser,
    )
    for name, teacher in (("disclosure1", w.T1), ("disclosure3", w.T3)):
        disclosure = NationalIdDisclosure.objects.create(
            teacher=teacher,
            viewer=w.users[Role.COUNTY_OFFICER.value],
            channel=DisclosureChannel.PAGE,
            path="/records/",
            address="10.0.0.7",
        )
        setattr(w, name, disclosure)
    w.access_log = AccessLog.objects.create(**access)
    w.access_failure = AccessFailureLog.objects.create(**access)
    w.totp_device = TOTPDevice.objects.create(user=w.superuser, name="矩阵")
    return w


def _seal(county):
    """A county bureau's seal with a small real PNG."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from certificates.models import BureauSeal

    png = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 255)).save(png, format="PNG")
    seal = BureauSeal(unit=county)
    seal.image.save(f"{county.code}.png", ContentFile(png.getvalue()), save=False)
    seal.save()
    return seal


def _give_every_row_a_version() -> None:
    """Rows loaded by data migrations (the policies) have no version yet; give them one, so
    that each row has a revert form to try."""
    from simple_history.models import registered_models

    for model in registered_models.values():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager is None:
            continue  # a many-to-many table kept with its model's versions
        history = getattr(model, manager)
        versioned = history.values(model._meta.pk.attname)  # the row's id, not history_id
        missing = list(model._default_manager.exclude(pk__in=versioned))
        if missing:
            history.bulk_history_create(missing)


def _upload(user, store_upload, validate_upload, build_template) -> str:
    stored = store_upload(file=SimpleUploadedFile("记录.xlsx", build_template()), by=user)
    validate_upload(upload=stored, by=user)
    return stored.id


def row_of(world, name: str, user: str):
    """Return the world row called `name` for `user` (an upload is its uploader's own)."""
    if name == "own_upload":
        return world.uploads.get(user, world.uploads[Role.SCHOOL_ADMIN.value])
    return getattr(world, name)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """One world for the module, in a transaction rolled back at its end."""
    media = tmp_path_factory.mktemp("url-matrix-media")
    overrides = override_settings(
        MEDIA_ROOT=str(media),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CERTIFICATE_VERIFY_RATE_LIMIT=10**6,
    )
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        world = _build_world()
        world.counts = Counter()
        world.keys = set()
        # One client: each new one loads the middleware, and WhiteNoise then scans every
        # static file again.
        world.client = Client(raise_request_exception=True)
        world.sessions = {}
        for user, account in world.users.items():  # kept by every test: no login per test
            client = Client()
            client.force_login(account)
            world.sessions[user] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager")
    if reporter is not None and capture is not None and world.counts:
        counts = world.counts
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nurl matrix: {counts['cases']} URL × user × object × method cases "
                f"({counts['GET']} GET, {counts['POST']} POST) in {counts['tests']} URL × user "
                f"tests of {len(world.keys)} URL patterns"
            )


# -- state: what a refused request must not have written ------------------------------------------

WATCHED_APPS = {
    "axes",
    "institutions",
    "trainees",
    "projects",
    "credits",
    "certificates",
    "auth",
    "admin",
    "django_celery_beat",
    "otp_totp",
    "platforms",
}


@functools.cache
def _fingerprint_sql() -> str:
    """One query: row count of every watched table, and its latest updated_at where it has one."""
    selects = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.app_label not in WATCHED_APPS or opts.proxy or not opts.managed:
            continue
        table = connection.ops.quote_name(opts.db_table)
        names = {f.attname for f in opts.concrete_fields}
        latest = "CAST(max(updated_at) AS TEXT)" if "updated_at" in names else "''"
        selects.append(f"SELECT '{opts.label}', count(*), {latest} FROM {table}")  # noqa: S608
    return " UNION ALL ".join(selects)


@functools.cache
def _watched_tables() -> dict[str, str]:
    return {
        model._meta.db_table: model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy and model._meta.managed
    }


def fingerprint() -> dict:
    """What the watched tables hold, to compare before and after a request.

    On PostgreSQL: the rows this transaction inserted, updated and deleted in each table
    (pg_stat_xact_user_tables), one cheap read that sees every write, even an UPDATE that
    changes no count or date. Elsewhere: each table's row count and latest updated_at.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            )
            tables = _watched_tables()
            return {
                tables[name]: (inserted, updated, deleted)
                for name, inserted, updated, deleted in cursor.fetchall()
                if name in tables
            }
        cursor.execute(_fingerprint_sql())
        return {label: (count, latest) for label, count, latest in cursor.fetchall()}


def snapshot(target) -> tuple:
    row = None
    if target is not None and hasattr(target, "_meta"):
        row = type(target)._base_manager.filter(pk=target.pk).values().first()
    return fingerprint(), row


def describe_change(before: tuple, after: tuple) -> str:
    tables = [
        f"{label} {before[0].get(label)}→{value}"
        for label, value in after[0].items()
        if before[0].get(label) != value
    ]
    fields = []
    if before[1] != after[1]:
        old, new = before[1] or {}, after[1] or {}
        fields = [
            f"{name}: {old.get(name)!r}→{new.get(name)!r}"
            for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name) and name != "updated_at"
        ]
        if after[1] is None:
            fields = ["row deleted"]
    return "; ".join(fields + tables)


# -- building the requests ------------------------------------------------------------------------


def _url(endpoint: Endpoint, kwargs: dict | None = None, args: list | None = None) -> str:
    if endpoint.name:
        return reverse(endpoint.name, kwargs=kwargs or None, args=args or None)
    # An unnamed pattern (the admin's catch-all, a redirect): fill its route by hand.
    route = endpoint.route.replace("^", "").replace("$", "")
    for name, value in (kwargs or {}).items():
        route = re.sub(rf"\(\?P<{name}>[^)]*\)|<(\w+:)?{name}>", str(value), route)
    return "/" + route


def page_cases(rule: Page, endpoint: Endpoint, world, user: str) -> list[Case]:
    def build(row):
        return _url(endpoint, rule.kwargs(world, row, user) if rule.kwargs else None)

    def body(row):
        return rule.body(world, row, user) if rule.body else {}

    def expect_for(method: str, label: str) -> str:
        allowed = user in (rule.get if method == "GET" else rule.post)
        if label == "away":
            if not allowed:
                return DENY
            return NOCHANGE if rule.in_body else DENY
        if allowed:
            return OK
        return ANY if user in rule.maybe else DENY

    if rule.public:
        url = build(None)
        return [
            Case("-", m, url, ANY, body(None) if m == "POST" else None) for m in ("GET", "POST")
        ]
    if rule.slot is None:
        url = build(None)
        leak = None
        if rule.leak is not None and rule.leak_slot:
            _home, away = SLOTS[rule.leak_slot].rows(user)
            if away is not None:
                leak = rule.leak(world, row_of(world, away, user))
        return [
            Case("-", "GET", url, expect_for("GET", "home"), leak=leak),
            Case("-", "POST", url, expect_for("POST", "home"), body(None), json=rule.json),
        ]
    home, away = SLOTS[rule.slot].rows(user)
    rows = [("home", row_of(world, home, user))]
    if away is not None:
        rows.append(("away", row_of(world, away, user)))
    if rule.in_body:
        url = build(None)
        cases = [Case("-", "GET", url, expect_for("GET", "home"))]
        for label, row in rows:
            cases.append(
                Case(
                    label,
                    "POST",
                    url,
                    expect_for("POST", label),
                    body(row),
                    target=row,
                    json=rule.json,
                )
            )
        return cases
    cases = []
    for label, row in rows:
        url = build(row)
        cases.append(Case(label, "GET", url, expect_for("GET", label), target=row))
        cases.append(
            Case(label, "POST", url, expect_for("POST", label), body(row), row, json=rule.json)
        )
    if rule.away_body is not None:
        # The user's own row in the URL, another jurisdiction's in the body.
        _home, other = SLOTS[rule.away_body_slot].rows(user)
        if other is not None:
            other_row = row_of(world, other, user)
            data = rule.away_body(world, rows[0][1], user, other_row)
            expect = NOCHANGE if user in rule.post else DENY
            label = "home+away-body"
            cases.append(Case(label, "POST", build(rows[0][1]), expect, data, other_row))
    return cases


def _request_as(user_obj, method: str = "get"):
    request = getattr(RequestFactory(), method)("/admin/")
    request.user = user_obj or AnonymousUser()
    return request


def _text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def admin_form_data(
    model_admin, request, obj, *, add: bool = False, change: bool = True, alter=None
) -> dict:
    """The data a browser would post back from the admin form of `obj` as `request.user` sees it.

    In a change or revert form, foreign keys outside the user's choices are replaced by their
    first choice, so the form is valid for them; an add form keeps `obj`'s own (a copy of a row
    of another jurisdiction must not be created). `alter` (field, value) changes one field.
    simple_history builds its revert form with change=False: every field, editable.
    """
    form_class = model_admin.get_form(request, None if add else obj, change=change and not add)
    form = form_class(instance=obj) if not add else form_class(initial=_initial(obj, form_class))
    data: dict = {}
    replaced: dict[str, list[str]] = {}  # foreign keys moved inside: the choices to try
    for bound in form:
        field = bound.field
        if field.disabled:
            continue
        value = bound.value()
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(field, forms.ModelMultipleChoiceField):
            allowed = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
            data[bound.html_name] = [str(v) for v in value or [] if add or str(v) in allowed]
            continue
        if isinstance(field, forms.ModelChoiceField) and not add:
            pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:200]]
            if value not in (None, "") and str(value) not in pks:
                value = pks[0] if pks else ""
                replaced[bound.html_name] = pks
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{bound.html_name}_{i}"] = "" if part is None else _text(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [_text(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else _text(value)
    if alter is not None and alter[0] in form.fields:
        data[alter[0]] = alter[1]
    # Like someone trying: the first choice that makes the form valid (a teacher may already
    # have a record of that project).
    for name, pks in replaced.items():
        for pk in pks[:20]:
            data[name] = pk
            if form_class(data, instance=obj).is_valid():
                break
    for formset, _inline in model_admin.get_formsets_with_inlines(request, None if add else obj):
        prefix = formset.get_default_prefix()
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _initial(obj, form_class) -> dict:
    initial = {}
    model_fields = {f.name: f for f in obj._meta.get_fields()}
    for name in form_class.base_fields:
        field = model_fields.get(name)
        if field is None or not field.concrete:  # a form-only field (password1)
            continue
        if field.many_to_many:
            initial[name] = list(getattr(obj, name).values_list("pk", flat=True))
        elif field.is_relation:
            initial[name] = getattr(obj, field.attname)
        else:
            initial[name] = getattr(obj, name)
    return initial


def admin_cases(rule: AdminView, endpoint: Endpoint, world, user: str) -> list[Case]:
    model, kind = rule.model, rule.kind
    model_admin = endpoint.model_admin
    user_obj = world.users.get(user)
    request = _request_as(user_obj)

    def can(action: str, label: str) -> bool:
        if label == "away":
            return False
        if label.startswith("frozen") and action in ("change", "delete"):
            return False
        return model.may(user, action)

    def sees(label):
        return can("view", label) or can("change", label)

    if model.slot is not None:
        home, away = SLOTS[model.slot].rows(user)
        targets = [("home", row_of(world, home, user))]
        if away is not None:
            targets.append(("away", row_of(world, away, user)))
    else:
        targets = [("home", getattr(world, model.row))]
        targets += [(f"frozen:{name}", getattr(world, name)) for name in model.frozen_rows]

    cases = []
    if kind == "changelist":
        url = _url(endpoint)
        away = dict(targets).get("away")
        leak = None
        if away is not None:
            leak = model.list_marker(away) if model.list_marker else str(away)
        cases.append(Case("-", "GET", url, OK if sees("home") else DENY, leak=leak))
        for label, row in targets:
            expect = DENY
            if sees("home"):
                expect = OK if can("delete", label) else NOCHANGE
            data = {
                "action": "delete_selected",
                "_selected_action": str(row.pk),
                "select_across": "0",
                "index": "0",
                "post": "yes",
            }
            cases.append(Case(label, "POST", url, expect, data, row))
        return cases
    if kind == "add":
        url = _url(endpoint)
        cases.append(Case("-", "GET", url, OK if can("add", "home") else DENY))
        for label, row in targets:
            expect = DENY
            if can("add", "home"):
                expect = NOCHANGE if label == "away" else OK
            data = admin_form_data(model_admin, request, row, add=True, alter=model.alter)
            cases.append(Case(label, "POST", url, expect, data, row))
        return cases
    for label, row in targets:
        if kind == "change":
            url = _url(endpoint, args=[row.pk])
            data = admin_form_data(model_admin, request, row, alter=model.alter)
            cases.append(Case(label, "GET", url, OK if sees(label) else DENY, target=row))
            cases.append(Case(label, "POST", url, OK if can("change", label) else DENY, data, row))
        elif kind == "delete":
            url = _url(endpoint, args=[row.pk])
            expect = OK if can("delete", label) else DENY
            cases.append(Case(label, "GET", url, expect, target=row))
            cases.append(Case(label, "POST", url, expect, {"post": "yes"}, row))
        elif kind == "history":
            url = _url(endpoint, args=[row.pk])
            has_page = model.has_history or not model.simple_history
            expect = OK if has_page and sees(label) else DENY
            cases.append(Case(label, "GET", url, expect, target=row))
            cases.append(Case(label, "POST", url, expect, {}, row))
        elif kind == "simple_history":
            manager = getattr(row._meta, "simple_history_manager_attribute", None)
            first = getattr(row, manager).order_by("history_id").first() if manager else None
            url = _url(endpoint, args=[row.pk, first.history_id if first else 1])
            data = {}
            if first is not None:
                data = admin_form_data(
                    model_admin, request, first.instance, change=False, alter=model.alter
                )
            see = model.has_history and sees(label)
            # Reverting is off (SIMPLE_HISTORY_REVERT_DISABLED): posting a version back writes
            # nothing, for anyone; refusing it outright is fine too.
            post = NOCHANGE if see else DENY
            cases.append(Case(label, "GET", url, OK if see else DENY, target=row))
            cases.append(Case(label, "POST", url, post, data, row))
        elif kind == "object_redirect":
            url = _url(endpoint, args=[row.pk]) if endpoint.name else _bare(endpoint, row)
            cases.append(Case(label, "GET", url, ANY, target=row))
            cases.append(Case(label, "POST", url, ANY, {}, row))
        elif kind == "auth_user_password_change":
            url = _url(endpoint, kwargs={"id": row.pk})
            expect = OK if can("change", label) else DENY
            data = {"password1": "Matrix-Pass-2025", "password2": "Matrix-Pass-2025"}
            data["usable_password"] = "true"
            cases.append(Case(label, "GET", url, expect, target=row))
            cases.append(Case(label, "POST", url, expect, data, row))
        elif kind in ("config", "qrcode"):
            url = _url(endpoint, kwargs={"pk": row.pk})
            expect = OK if sees(label) else DENY
            cases.append(Case(label, "GET", url, expect, target=row))
            cases.append(Case(label, "POST", url, expect, {}, row))
        else:
            raise AssertionError(f"no cases for admin view kind {kind!r}")
    return cases


def _bare(endpoint: Endpoint, row) -> str:
    opts = endpoint.model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{changelist}{row.pk}/"


def autocomplete_cases(endpoint: Endpoint, world, user: str) -> list[Case]:
    cases = []
    base = _url(endpoint)
    for app_label, model_name, field_name, slot, who in AUTOCOMPLETE:
        query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        url = f"{base}?{urlencode({**query, 'term': ''})}"
        allowed = user in who or user == SU
        _home, away = SLOTS[slot].rows(user)
        leak = row_of(world, away, user).pk if away is not None else None
        label = f"{model_name}.{field_name}"
        cases.append(Case(label, "GET", url, OK if allowed else DENY, leak=leak))
    cases.append(Case("-", "POST", base, DENY, {}))
    return cases


def cases_for(key: str, world, user: str) -> list[Case]:
    rule, endpoint = RULES[key], BY_KEY[key]
    if isinstance(rule, Page):
        return page_cases(rule, endpoint, world, user)
    if isinstance(rule, AdminView):
        return admin_cases(rule, endpoint, world, user)
    return autocomplete_cases(endpoint, world, user)


# -- judging the answers --------------------------------------------------------------------------

DENY_STATUSES = {401, 403, 404, 405}


def _deny_redirect(location: str) -> bool:
    path = urlsplit(location).path
    return path in {reverse("login"), reverse("admin:login"), reverse("admin:index")}


def _to_login(location: str) -> bool:
    return urlsplit(location).path in {reverse("login"), reverse("admin:login")}


def _leaked(response, leak) -> bool:
    if isinstance(leak, int):
        try:
            data = json.loads(response.content)
        except ValueError:
            return False
        rows = data.get("results", data) if isinstance(data, dict) else data
        return any(isinstance(row, dict) and str(row.get("id")) == str(leak) for row in rows or [])
    return leak in response.content.decode(errors="replace")


def judge(case: Case, response) -> str | None:
    status = response.status_code
    location = response.get("Location", "")
    if status >= 500:
        return f"answered {status}"
    redirect = 300 <= status < 400
    if case.expect == OK:
        if not (200 <= status < 400) or (redirect and _to_login(location)):
            return f"expected {OK}, answered {status} {location}".rstrip()
    elif case.expect == DENY and not (
        status in DENY_STATUSES or (redirect and _deny_redirect(location))
    ):
        return f"expected {DENY}, answered {status} {location}".rstrip()
    if case.leak is not None and status == 200 and _leaked(response, case.leak):
        return f"answered 200 showing another jurisdiction's row ({case.leak})"
    return None


class _Rollback(Exception):
    """Leave the request's savepoint without keeping anything it wrote."""


def send(client: Client, case: Case):
    if case.method == "GET":
        return client.get(case.url)
    if case.json:
        return client.post(case.url, json.dumps(case.data), content_type="application/json")
    return client.post(case.url, case.data or {})


def run_case(client: Client, session: str | None, case: Case) -> str | None:
    """Send one request in a savepoint; return what went wrong, or None."""
    client.cookies = SimpleCookie()
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    must_not_write = case.method == "POST" and case.expect in (DENY, NOCHANGE)
    problem = None
    try:
        with transaction.atomic():
            before = snapshot(case.target) if must_not_write else None
            try:
                response = send(client, case)
            except Exception as exc:
                problem = f"raised {type(exc).__name__}: {str(exc)[:200]}"
                raise _Rollback from None
            problem = judge(case, response)
            if must_not_write:
                after = snapshot(case.target)
                if after != before:
                    wrote = f"wrote: {describe_change(before, after)}"
                    problem = (
                        f"{problem}; {wrote}"
                        if problem
                        else f"answered {response.status_code}, {wrote}"
                    )
            raise _Rollback
    except _Rollback:
        pass
    return problem


@pytest.fixture
def matrix(matrix_world, db):
    return matrix_world


@pytest.mark.parametrize(("key", "user"), MATRIX)
def test_url_answers_every_user_by_its_rule(matrix, key, user):
    """Every case of one URL for one user answers as the rule says; all problems are listed."""
    # given
    client = matrix.client
    session = matrix.sessions.get(user)
    cases = cases_for(key, matrix, user)
    # when
    problems = []
    for case in cases:
        problem = run_case(client, session, case)
        matrix.counts["cases"] += 1
        matrix.counts[case.method] += 1
        if problem:
            problems.append(f"{case.method} {case.url} [{case.label}] {problem}")
    matrix.counts["tests"] += 1
    matrix.keys.add(key)
    # then
    assert not problems, f"{key} as {user}:\n" + "\n".join(problems)
