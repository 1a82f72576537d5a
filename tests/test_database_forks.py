"""Where the product code forks on the database, both branches give the same answer.

PostgreSQL runs its own statements (unnest INSERTs, a compiled policy, one anomaly statement,
prepared statements, arrays, triggers); the SQLite demo runs the portable ORM path. Each test
here runs both branches on the same data in one PostgreSQL database — the portable one first,
in a savepoint that is rolled back, then PostgreSQL's on the same state — and compares what
they wrote or read, row for row. Each also checks that the branch it meant to run did run
(from the SQL sent, or the audit plan's reason), so a test cannot pass by running one branch
twice.

The portable branch is forced by `connection.vendor = "sqlite"` (the ORM path runs on
PostgreSQL too), or by the switch that selects it (`engine="python"`, the setting
API_PREPARED_STATEMENTS) where the patched vendor would also change how PostgreSQL's columns
are written. Fuller equality tests of some forks live elsewhere and are named in the docstrings.

Two tests follow the progress audit over two nights: a school year no longer owed loses its
row, and a night that changes nothing rewrites no row, on either branch (the rule-engine path
once kept such rows and rewrote every row every night).
"""

import contextlib
import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.anomalies import detect_anomalies
from audit.progress import clear_stale_marks, plan_recompute, recompute_county_progress
from audit.tests.test_audit_sql import _random_county
from certificates.models import CertificateCounter, CertificateNumber
from certificates.numbers import build_prefix
from certificates.services import allocate_certificate_number, allocate_certificate_numbers
from core.api_sql import fetch_all, fetch_instances
from core.fields import DecimalListField, TextListField
from core.history import write_bulk_history
from credits import rules
from credits.api.selectors import _version_query, _years_query
from credits.models import (
    AuditAnomaly,
    CountySummary,
    CreditLedgerEntry,
    CycleProgress,
    SchoolYearProgress,
    StaleProgress,
)
from credits.models.ledger import EntryType
from credits.selectors import PolicyCache, active_policy
from institutions.choices import Role, SchoolType
from institutions.tests.factories import SchoolFactory
from platforms import call_log
from platforms.models import ApiAccess, ApiCallLog, ExternalRecordKey
from platforms.services import keep_external_record_keys, register_api_client
from projects.choices import Mode, RecordStatus
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.models import Teacher, TeacherGroup
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

# Values that need quoting inside a PostgreSQL array literal, or that JSON and arrays spell
# differently: the unnest INSERTs and the list fields must keep them as they are.
AWKWARD_TEXTS = ["a,b", 'q"uote', "{brace}", "NULL", "back\\slash", "空 格\u3000", "", " x "]


@contextlib.contextmanager
def _portable_branch(monkeypatch):
    """Make the code under test take the branch it takes outside PostgreSQL."""
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        yield


def _rolled_back(run):
    """Run `run` in a savepoint; return its result and the SQL it sent, then undo its writes."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        result = run()
        transaction.set_rollback(True)
    return result, "\n".join(query["sql"] for query in queries.captured_queries)


# -- 1. certificates.services._allocate ---------------------------------------------------------


def _numbers():
    numbers = {n.teacher_id: n for n in CertificateNumber.objects.all()}
    history = sorted(
        (
            h.teacher_id,
            h.school_id,
            h.number,
            h.prefix,
            h.serial,
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
            h.id == numbers[h.teacher_id].pk,
            h.allocated_at == numbers[h.teacher_id].allocated_at,
        )
        for h in CertificateNumber.history.all()
    )
    rows = sorted(
        (n.teacher_id, n.school_id, n.number, n.prefix, n.serial) for n in numbers.values()
    )
    counters = list(
        CertificateCounter.objects.order_by("prefix").values_list("prefix", "last_serial")
    )
    return rows, history, counters


@pytest.mark.postgres
def test_certificate_numbers_are_the_same_from_either_branch(world, monkeypatch):
    """`allocate_certificate_numbers` (`_allocate`): PostgreSQL's `_allocate_in_database` gives
    the same teachers the same numbers, serials and counters, with the same history rows, as
    the portable ORM path; certificates/tests/test_certificate_numbers.py tests the rules."""
    # given: four prefixes, one of whose counters is at 41, and a teacher numbered before
    prefix = build_prefix(
        prefecture_code=world.P1.certificate_code,
        county_code=world.C1.certificate_code,
        school_type=world.S1.school_type,
    )
    CertificateCounter.objects.create(prefix=prefix, last_serial=41)
    allocate_certificate_number(teacher=TeacherFactory(school=world.S1))  # takes 42
    primary = SchoolFactory(county=world.C1, school_type=SchoolType.PRIMARY)
    senior = SchoolFactory(county=world.C2, school_type=SchoolType.SENIOR)
    new = [TeacherFactory(school=school) for school in (primary, senior, primary, world.S1)]
    teachers = [world.T1, world.T2, world.T3, *new]
    numbered = CertificateNumber.objects.get().teacher_id
    # asked out of order, with repeats, the numbered teacher and an id nobody has
    ids = [t.pk for t in reversed(teachers)] + [numbered, world.T1.pk, 10**9]

    def allocate():
        return allocate_certificate_numbers(teacher_ids=ids), _numbers()

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(allocate)
    postgres, postgres_sql = _rolled_back(allocate)

    # then
    assert "unnest" in postgres_sql
    assert "unnest" not in portable_sql
    assert postgres == portable
    count, (rows, _history, _counters) = portable
    assert count == len(teachers)
    by_teacher = {row[0]: row[2] for row in rows}
    assert [by_teacher[t.pk] for t in (world.T1, world.T2, new[3])] == [
        f"{prefix}0043",
        f"{prefix}0044",
        f"{prefix}0045",
    ]


# -- 2. audit.anomalies.detect_anomalies --------------------------------------------------------


def _findings():
    return sorted(
        AuditAnomaly.objects.values_list(
            "key", "county_id", "teacher_id", "kind", "record_ids", "detail", "is_resolved"
        )
    )


def _anomalous_records(world):
    """Records of two C1 teachers showing each of the four findings, and records that show
    none (rejected; another county's teacher). Returns the two teachers."""
    a, b = TeacherFactory(school=world.S1, name="甲"), TeacherFactory(school=world.S1, name="乙")

    def project(name, starts, days, mode=Mode.CENTRALIZED):
        starts_on = datetime.date(2025, 3, starts)
        return TrainingProjectFactory(
            name=name,
            mode=mode,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
        )

    def record(teacher, project, hours=8, late=0, status=RecordStatus.APPROVED):
        return TrainingRecord.objects.create(
            teacher=teacher,
            project=project,
            hours=Decimal(hours),
            completed_on=project.ends_on + datetime.timedelta(days=late),
            status=status,
        )

    record(a, project("国培计划", 3, 2))
    record(a, project("区级研修", 4, 2))  # overlaps the one before
    record(a, project("一日集训", 10, 1), hours=40)  # 40 hours in one day
    record(a, project("网络研修", 12, 1, mode=Mode.ONLINE), late=9)  # outside its dates
    record(b, project("全员 培训", 20, 1))
    record(b, project("全员\u3000培训", 20, 1))  # the same training, claimed twice
    record(b, project("被退回", 22, 1), hours=60, late=-5, status=RecordStatus.REJECTED)
    record(world.T3, project("他县集训", 10, 1), hours=40)  # county C3, not audited here
    return a, b


@pytest.mark.postgres
@pytest.mark.parametrize("listed", [False, True], ids=["county", "listed"])
def test_anomalies_are_the_same_from_either_branch(world, monkeypatch, listed):
    """`detect_anomalies`: the PostgreSQL statement (`_detect_in_database`) records the same
    findings, key for key and word for word, as the Python checks, for the whole county and
    for the teachers an incremental audit lists; audit/tests/test_anomalies_sql.py compares
    them on random data."""
    # given
    a, _b = _anomalous_records(world)
    policy = PolicyCache().for_county(world.C1)[0]
    teacher_ids = {a.pk} if listed else None

    def detect():
        count = detect_anomalies(county_id=world.C1.pk, policy=policy, teacher_ids=teacher_ids)
        return count, _findings()

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(detect)
    postgres, postgres_sql = _rolled_back(detect)

    # then
    assert "jit" in postgres_sql
    assert "jit" not in portable_sql
    assert postgres == portable
    count, rows = portable
    assert count == len(rows)
    kinds = {"overlap", "hours_per_day", "outside_dates"} | (
        set() if listed else {"duplicate_claim"}
    )
    assert {row[3] for row in rows} == kinds


# -- 3. audit.progress.recompute_county_progress ------------------------------------------------


def _amounts(row) -> tuple:
    """The stored arrays, decimals as written (scale included): what the API renders."""
    return (
        tuple(row.row_keys),
        *(
            tuple(None if v is None else str(v) for v in getattr(row, name))
            for name in ("earned_by_row", "counted_by_row", "required_by_row")
        ),
    )


def _progress(teacher_ids):
    """The cycle rows by teacher, the school-year rows by (teacher, year), the summaries."""
    cycles = {
        row.teacher_id: (
            row.policy_code,
            row.policy_version,
            row.cycle_start,
            row.cycle_end,
            row.as_of,
            row.status,
            row.is_new_teacher,
            str(row.counted_total),
            str(row.required_total),
            _amounts(row),
        )
        for row in CycleProgress.objects.filter(teacher_id__in=teacher_ids)
    }
    years = {
        (row.teacher_id, row.policy_code, row.school_year): (
            row.is_owed,
            row.is_complete,
            *_amounts(row),
        )
        for row in SchoolYearProgress.objects.filter(teacher_id__in=teacher_ids)
    }
    summaries = list(
        CountySummary.objects.order_by("county_id").values_list(
            "county_id",
            "policy_code",
            "as_of",
            "policy_version",
            "teachers",
            "complete",
            "on_track",
            "at_risk",
            "behind",
        )
    )
    return cycles, years, summaries


@pytest.mark.postgres
def test_progress_is_the_same_from_either_branch(world):
    """`recompute_county_progress`: the policy compiled to SQL (`_recompute_in_database`)
    writes the same cycle and school-year rows, arrays as stored, and the same county summary
    as the rule engine (`_recompute_with_engine`); audit/tests/test_audit_sql.py compares them
    under all five presets. The engine is chosen by `engine` (a patched vendor would make the
    array columns be written as JSON text)."""
    # given: twelve teachers with random hires, groups, postings and reversals
    spec = PolicyCache().for_county(world.C1)[1]
    ids = _random_county(world, spec, random.Random("forks"), teachers=12)
    as_of = spec.cycle_start + (spec.cycle_end - spec.cycle_start) * 2 // 3

    def recompute(engine):
        def run():
            audit = recompute_county_progress(county_id=world.C1.pk, as_of=as_of, engine=engine)
            return audit, _progress(ids)

        return run

    # when
    portable, portable_sql = _rolled_back(recompute("python"))
    postgres, postgres_sql = _rolled_back(recompute(None))

    # then
    assert "work_mem" in postgres_sql
    assert "work_mem" not in portable_sql
    assert postgres[0] == portable[0]
    cycles, years, summaries = postgres[1]
    assert cycles == portable[1][0]
    assert years == portable[1][1]
    assert summaries == portable[1][2]
    assert len(cycles) == len(ids)
    assert len({row[5] for row in cycles.values()}) >= 2  # the data reaches several statuses


def _audit_night(county_id, spec, as_of, engine):
    """One night of a county's progress as audit.county.audit_county runs it."""
    plan = plan_recompute(county_id, spec, as_of, engine=engine)
    audit = recompute_county_progress(
        county_id=county_id, as_of=as_of, plan=plan, spec=spec, engine=engine
    )
    clear_stale_marks(plan)
    return plan, audit


@pytest.mark.postgres
def test_a_school_year_no_longer_owed_is_dropped_by_either_branch(world):
    """`recompute_county_progress`: once a corrected hire date means a school year is no
    longer owed (and it holds no credits), the compiled SQL deletes its row, as the engine no
    longer lists it (rules.progress._years); so does the rule-engine path."""
    # given: a teacher owing every year, audited on night 1
    spec = PolicyCache().for_county(world.C1)[1]
    teacher = TeacherFactory(school=world.S1, hired_on=datetime.date(2010, 9, 1))
    night_1, night_2 = datetime.date(2025, 10, 1), datetime.date(2025, 10, 2)

    def two_nights(engine):
        def run():
            _audit_night(world.C1.pk, spec, night_1, engine)
            before = set(teacher.year_progress.values_list("school_year", flat=True))
            # the hire date was wrong: the teacher starts next school year
            Teacher.objects.filter(pk=teacher.pk).update(hired_on=datetime.date(2026, 9, 1))
            _audit_night(world.C1.pk, spec, night_2, engine)
            rows = teacher.year_progress.order_by("school_year")
            return before, list(rows.values_list("school_year", "is_owed", "required_by_row"))

        return run

    # when
    portable, _sql = _rolled_back(two_nights("python"))
    postgres, _sql = _rolled_back(two_nights("sql"))

    # then
    if not postgres[0] or postgres[1]:
        pytest.fail(f"not the case meant: PostgreSQL's rows {postgres}")
    assert portable == postgres


@pytest.mark.postgres
def test_a_night_that_changes_nothing_rewrites_no_row_on_either_branch(world):
    """`recompute_county_progress`: a row is rewritten only when its figures or status change,
    so its `as_of` and `computed_at` tell when they last changed and the API's
    `updated_since` returns only teachers whose progress moved (docs/api.md). The compiled
    SQL does so, and so does the rule-engine path."""
    # given: teachers audited on night 1, nothing changed by night 2
    spec = PolicyCache().for_county(world.C1)[1]
    ids = _random_county(world, spec, random.Random("quiet"), teachers=6)
    night_1 = datetime.date(2025, 10, 1)
    night_2 = night_1 + datetime.timedelta(days=1)

    def written():
        cycles = CycleProgress.objects.filter(teacher_id__in=ids)
        years = SchoolYearProgress.objects.filter(teacher_id__in=ids)
        return {
            **{("cycle", pk): at for pk, *at in cycles.values_list("pk", "as_of", "computed_at")},
            **{("year", pk): at for pk, at in years.values_list("pk", "computed_at")},
        }

    def two_nights(engine):
        def run():
            _audit_night(world.C1.pk, spec, night_1, engine)
            first = written()
            _audit_night(world.C1.pk, spec, night_2, engine)
            return len(first), sorted(key for key, at in written().items() if first[key] != at)

        return run

    # when
    portable, _sql = _rolled_back(two_nights("python"))
    postgres, _sql = _rolled_back(two_nights("sql"))

    # then
    if not postgres[0] or postgres[1]:
        pytest.fail(f"not the case meant: PostgreSQL rewrote {postgres}")
    assert portable[1] == postgres[1]


# -- 4. platforms.call_log.flush_api_call_log ---------------------------------------------------


@pytest.mark.postgres
def test_call_log_lines_are_the_same_from_either_branch(world, monkeypatch, settings):
    """`flush_api_call_log`: the unnest INSERT writes the same call-log lines as bulk_create,
    texts that need quoting in an array and times to the microsecond included."""
    # given: calls waiting for their batch, as log_api_call leaves them
    settings.API_CALL_LOG_BATCH = 1000
    monkeypatch.setattr(call_log, "_pending_calls", [])
    monkeypatch.setattr(call_log, "LOG_MAX_AGE_SECONDS", 3600.0)
    client = register_api_client(name="县平台", unit=world.C1, access=ApiAccess.READ).client
    for index, text in enumerate(AWKWARD_TEXTS):
        call_log.log_api_call(
            client_id=client.pk,
            method=["GET", "POST", "PROPFIND-LONG"][index % 3],
            path=f"/api/v1/records/{text}?q={text}",
            status=[200, 201, 404, 599][index % 4],
            duration_ms=[0, 7, 2**31 - 1, -3][index % 4],
        )
    waiting = list(call_log._pending_calls)

    def flush():
        call_log._pending_calls[:] = waiting
        count = call_log.flush_api_call_log()
        lines = ApiCallLog.objects.order_by("at", "path").values_list(
            "client_id", "method", "path", "status", "duration_ms", "at"
        )
        return count, list(lines)

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(flush)
    postgres, postgres_sql = _rolled_back(flush)

    # then
    assert "unnest" in postgres_sql
    assert "unnest" not in portable_sql
    assert postgres == portable
    assert portable[0] == len(portable[1]) == len(AWKWARD_TEXTS)
    assert [line[-1] for line in portable[1]] == [call[-1] for call in waiting]


# -- 5. platforms.services.keep_external_record_keys --------------------------------------------


@pytest.mark.postgres
def test_external_record_keys_are_the_same_from_either_branch(world, monkeypatch):
    """`keep_external_record_keys`: the unnest INSERT stores the same (client, external id,
    record) rows as bulk_create, with a creation time."""
    # given: a client's own ids for records, some needing quotes in an array
    client = register_api_client(name="县平台", unit=world.C1, access=ApiAccess.READ_WRITE).client
    records = [
        TrainingRecord.objects.create(
            teacher=world.T1,
            project=TrainingProjectFactory(),
            hours=Decimal(8),
            completed_on=datetime.date(2025, 3, 5),
        )
        for _ in AWKWARD_TEXTS
    ]
    keys = [(f"ext-{t}", r.pk) for t, r in zip(AWKWARD_TEXTS, records, strict=True)]
    started = timezone.now()

    def keep():
        keep_external_record_keys(client=client, keys=keys)
        rows = ExternalRecordKey.objects.order_by("record_id").values_list(
            "client_id", "external_id", "record_id", "created_at"
        )
        return [(c, e, r, started <= at <= timezone.now()) for c, e, r, at in rows]

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(keep)
    postgres, postgres_sql = _rolled_back(keep)

    # then
    assert "unnest" in postgres_sql
    assert "unnest" not in portable_sql
    assert postgres == portable
    assert portable == [(client.pk, e, r, True) for e, r in keys]


# -- 6. core.history.write_bulk_history ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("changed", "reason"),
    [(False, "Excel 导入：名单.xlsx"), (True, "")],
    ids=["created", "changed"],
)
def test_bulk_history_is_the_same_from_either_branch(world, monkeypatch, changed, reason):
    """`write_bulk_history`: PostgreSQL's INSERT … SELECT from the written rows records the
    same history rows as simple_history's `bulk_history_create` on the same records, for
    creations and changes; tests/test_bulk_history.py compares them on separate records."""
    # given: records written in bulk, then changed in bulk, as core.importing.write_plan does
    project = TrainingProjectFactory(issuing_unit=world.R)
    records = TrainingRecord.objects.bulk_create(
        TrainingRecord(
            teacher=teacher,
            project=project,
            hours=Decimal("12.5"),
            completed_on=project.ends_on,
            grade="pass",
            role="",
        )
        for teacher in (world.T1, world.T2, world.T3)
    )
    if changed:
        for record in records:
            record.status = RecordStatus.REJECTED
            record.reject_reason = "学时不符"
        TrainingRecord.objects.bulk_update(records, ["status", "reject_reason"])
    by = None if changed else world.users[Role.SCHOOL_ADMIN]

    def write():
        write_bulk_history(records, TrainingRecord, by=by, reason=reason, changed=changed)
        rows = TrainingRecord.history.filter(id__in=[r.pk for r in records]).order_by("id")
        return [
            {k: v for k, v in row.items() if k not in ("history_id", "history_date")}
            for row in rows.values()
        ]

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(write)
    postgres, postgres_sql = _rolled_back(write)

    # then
    assert "ANY(" in postgres_sql
    assert "ANY(" not in portable_sql
    assert postgres == portable
    assert [row["history_type"] for row in portable] == ["~" if changed else "+"] * 3


# -- 7. core.api_sql (prepared statements) ------------------------------------------------------


@pytest.mark.postgres
def test_api_reads_are_the_same_prepared_or_not(world, settings):
    """`core.api_sql._statement`: a compiled query EXECUTEd as a prepared statement returns
    the same rows and model instances as the same SQL run as is (API_PREPARED_STATEMENTS=0,
    or any other database), inside and outside the account's jurisdiction;
    tests/api/test_progress_cache.py compares one rendered answer."""
    # given: the audit's rows of county C1, and the API's two compiled reads
    recompute_county_progress(county_id=world.C1.pk, as_of=datetime.date(2025, 6, 30))
    officer = world.users[Role.COUNTY_OFFICER]
    queries = [_version_query(officer), _years_query()]
    teachers = [world.T1.pk, world.T2.pk, world.T3.pk]  # T3: county C3, outside

    def read(prepared):
        def run():
            settings.API_PREPARED_STATEMENTS = prepared
            found = []
            for query in queries:
                for teacher in teachers:
                    found.append(fetch_all(query, teacher))
                    found.append(
                        [
                            {
                                **{
                                    f.attname: getattr(o, f.attname)
                                    for f in o._meta.concrete_fields
                                },
                                **{name: getattr(o, name) for name in query.annotations},
                            }
                            for o in fetch_instances(query, teacher)
                        ]
                    )
            return found

        return run

    # when
    plain, plain_sql = _rolled_back(read(False))
    prepared, prepared_sql = _rolled_back(read(True))

    # then
    assert prepared_sql.count("EXECUTE xft_") == 4 * len(teachers)
    assert "EXECUTE" not in plain_sql
    assert prepared == plain
    assert [len(rows) for rows in plain[: 2 * len(teachers)]] == [1, 1, 1, 1, 0, 0]


# -- 8. core.fields.DecimalListField / TextListField --------------------------------------------


def _round_trip(fields_and_values):
    """Store each value in a column of its field's type on this database, through the field's
    own conversions, and read it back as the field reads it."""
    columns = ", ".join(
        f"c{i} {field.db_type(connection)}" for i, (field, _v) in enumerate(fields_and_values)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE forks_list_fields ({columns})")
        cursor.execute(
            "INSERT INTO forks_list_fields "  # noqa: S608 placeholders only
            f"VALUES ({', '.join(['%s'] * len(fields_and_values))})",
            [field.get_db_prep_value(value, connection) for field, value in fields_and_values],
        )
        cursor.execute("SELECT * FROM forks_list_fields")
        stored = cursor.fetchone()
        cursor.execute("DROP TABLE forks_list_fields")
    return [
        field.from_db_value(raw, None, connection)
        for (field, _v), raw in zip(fields_and_values, stored, strict=True)
    ]


@pytest.mark.postgres
def test_list_fields_read_back_the_same_from_either_branch(monkeypatch):
    """`DecimalListField` and `TextListField`: a list stored as a PostgreSQL array reads back
    exactly as the same list stored as JSON text (the SQLite demo's column): decimals with
    their scale, None items, texts an array literal must quote, empty lists."""
    # given
    decimals, texts = DecimalListField(), TextListField()
    values = [
        (texts, ["total", *AWKWARD_TEXTS, None]),
        (decimals, [Decimal("1.50"), None, Decimal(0), Decimal("-2.35"), Decimal("0.00"), 10.5]),
        (decimals, [Decimal("123456.789"), Decimal("7.3500"), "3.33"]),
        (texts, []),
        (decimals, []),
    ]

    # when
    with _portable_branch(monkeypatch):
        portable, portable_sql = _rolled_back(lambda: _round_trip(values))
    postgres, postgres_sql = _rolled_back(lambda: _round_trip(values))

    # then
    assert "numeric[]" in postgres_sql
    assert "numeric[]" not in portable_sql
    assert postgres == portable
    assert [[None if v is None else str(v) for v in got] for got in postgres] == [
        [None if v is None else str(v) for v in got] for got in portable
    ]
    assert portable[1] == [
        Decimal("1.50"),
        None,
        Decimal(0),
        Decimal("-2.35"),
        Decimal(0),
        Decimal("10.5"),
    ]


# -- 9. credits/migrations/0010 (triggers that mark progress stale) -----------------------------


def _posting(teacher_id, spec, day, credits):
    record = TrainingRecord.objects.create(
        teacher_id=teacher_id,
        project=TrainingProjectFactory(),
        hours=Decimal(10),
        completed_on=day,
        status=RecordStatus.APPROVED,
    )
    return CreditLedgerEntry(
        teacher_id=teacher_id,
        record=record,
        policy=active_policy(spec.code),
        occurred_on=day,
        school_year=rules.school_year_of(day, spec),
        category=str(spec.categories[0]),
        effective_hours=Decimal(10),
        base=credits,
        bonus=Decimal(0),
        credits=credits,
        bonus_rate=Decimal(0),
        explanation="补登",
        posted_at=timezone.now(),
    )


def test_the_portable_audit_recomputes_everyone_whatever_the_marks(world):
    """Outside PostgreSQL nothing marks progress stale (migration 0010 creates its triggers
    there only): `plan_recompute` with the portable engine recomputes every teacher every
    night, reads no marks and so clears none."""
    # given: a first audit done, and a teacher's ledger changed since
    spec = PolicyCache().for_county(world.C1)[1]
    night_1, night_2 = datetime.date(2025, 10, 1), datetime.date(2025, 10, 2)
    recompute_county_progress(county_id=world.C1.pk, as_of=night_1, engine="python")
    CreditLedgerEntry.objects.bulk_create([_posting(world.T1.pk, spec, night_1, Decimal(3))])
    # when
    plan = plan_recompute(world.C1.pk, spec, night_2, engine="python")
    # then
    assert (plan.everyone, plan.reason, plan.stale_marks) == (True, "engine", ())


def _a_day_of_changes(ids, spec, day) -> set[int]:
    """Change five teachers' progress the ways the application does, none through a signal:
    a posting, a ledger row corrected in place, a reversal, a group, an earlier hire date; and
    a sixth teacher's subject, which counts for nothing. Return the five."""
    CreditLedgerEntry.objects.bulk_create([_posting(ids[0], spec, day, Decimal(40))])
    corrected = CreditLedgerEntry.objects.filter(teacher_id=ids[1], credits__gt=0).first()
    CreditLedgerEntry.objects.filter(pk=corrected.pk).update(base=Decimal(0), credits=Decimal(0))
    withdrawn = CreditLedgerEntry.objects.filter(teacher_id=ids[2], credits__gt=0).first()
    CreditLedgerEntry.objects.create(
        teacher_id=ids[2],
        record_id=withdrawn.record_id,
        policy=withdrawn.policy,
        entry_type=EntryType.REVERSAL,
        reverses=withdrawn,
        occurred_on=day,
        school_year=withdrawn.school_year,
        category=withdrawn.category,
        effective_hours=-withdrawn.effective_hours,
        base=-withdrawn.base,
        bonus=Decimal(0),
        credits=-withdrawn.credits,
        bonus_rate=Decimal(0),
        explanation="撤销",
        posted_at=timezone.now(),
    )
    tagged = Teacher.objects.get(pk=ids[3])
    tagged.group_tags.add(TeacherGroup.objects.exclude(teachers=tagged).order_by("code").first())
    Teacher.objects.filter(pk=ids[4]).update(hired_on=day - datetime.timedelta(days=1))
    Teacher.objects.filter(pk=ids[5]).update(subject="chinese")
    return set(ids[:5])


def _figures(progress):
    """The progress rows without when they were written (`as_of`), amounts as numbers."""
    cycles, years, summaries = progress

    def numbers(amounts):
        keys, *columns = amounts
        return (keys, *(tuple(v if v is None else Decimal(v) for v in c) for c in columns))

    return (
        {t: (*row[:4], *row[5:9], numbers(row[9])) for t, row in cycles.items()},
        {key: (*row[:2], *numbers(row[2:])) for key, row in years.items()},
        summaries,
    )


@pytest.mark.postgres
def test_a_night_driven_by_trigger_marks_ends_where_the_portable_audit_ends(world):
    """The triggers of credits/migrations/0010 (`stale_progress_*`): after a day of changes
    they mark exactly the teachers changed, and the night that recomputes only those
    (`plan_recompute` with engine "sql", then `_recompute_in_database`) leaves the same
    figures, statuses and year rows as the portable audit, which marks nothing and recomputes
    every teacher (`_recompute_with_engine`); audit/tests/test_audit_incremental.py does this
    under all five presets."""
    # given: ten teachers with random ledgers, audited on night 1, changed the day after
    spec = PolicyCache().for_county(world.C1)[1]
    ids = _random_county(world, spec, random.Random("marks"), teachers=10)
    Teacher.objects.filter(pk=ids[4]).update(hired_on=spec.cycle_end + datetime.timedelta(days=30))
    night_1 = spec.cycle_start + datetime.timedelta(days=400)
    night_2 = night_1 + datetime.timedelta(days=60)

    def two_nights(engine):
        def run():
            _audit_night(world.C1.pk, spec, night_1, engine)
            changed = _a_day_of_changes(ids, spec, night_1 + datetime.timedelta(days=5))
            marked = set(
                StaleProgress.objects.filter(teacher_id__in=ids).values_list(
                    "teacher_id", flat=True
                )
            )
            plan, audit = _audit_night(world.C1.pk, spec, night_2, engine)
            return changed, marked, plan, audit, _progress(ids)

        return run

    # when
    portable, _sql = _rolled_back(two_nights("python"))
    postgres, _sql = _rolled_back(two_nights("sql"))

    # then: PostgreSQL's night recomputed the marked teachers and a few more, not everyone
    changed, marked, plan, audit, by_marks = postgres
    assert marked == changed
    assert (plan.everyone, plan.reason) == (False, "stale")
    assert changed <= plan.teacher_ids < set(ids)
    assert audit.recomputed == len(plan.teacher_ids)
    assert (portable[2].everyone, portable[2].reason, portable[3].recomputed) == (
        True,
        "engine",
        None,
    )
    # ... and both end with the same progress
    everyone, incremental = _figures(portable[4]), _figures(by_marks)
    for teacher, row in everyone[0].items():
        assert incremental[0].get(teacher) == row, teacher
    for key, row in everyone[1].items():
        assert incremental[1].get(key) == row, key
    assert incremental == everyone
    assert audit.by_status == portable[3].by_status
