"""Benchmark the nightly audit at provincial scale, in a database of its own.

    python manage.py bench_audit --teachers 200000 --records-per-teacher 20

Needs PostgreSQL (DATABASE_URL). Creates a separate database (<name>_bench_audit), migrates it,
fills it inside PostgreSQL (never touching the user's data), then in the same run times (1) the
audit of every county by one worker — `--concurrency` processes, by default one per CPU as a
Celery worker starts, each running `audit.county.audit_county` (progress, anomalies,
certificate numbers; PDF certificates are left out, their cost is per certificate issued, not
per teacher) — night 1 on fresh data (a full audit: every row written), the same night again
(nothing changed), and night 2 after a day of approvals for `--changed-share` of the teachers
(the nightly audit: only they are recomputed, every other status follows the date); and (2) a
bare SQL GROUP BY teacher, category over the same ledger. Prints one JSON line last: the
issue's keys for night 2, then the full audit's figures.
"""

import io
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from multiprocessing import get_context

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

TEACHERS_PER_COUNTY = 2000
PROJECTS = 400  # the pool of approved region projects teachers take
COUNTIES = 98  # Xinjiang's current counties (python-stdnum's code list)


class Command(BaseCommand):
    help = "在独立的 PostgreSQL 数据库中生成大规模数据，测量夜间核查的速度（不触碰现有数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=200_000)
        parser.add_argument("--records-per-teacher", type=int, default=20)
        parser.add_argument(
            "--concurrency",
            type=int,
            default=os.cpu_count() or 1,
            help="同时核查的进程数（同 Celery worker 的默认并发数：CPU 核数）",
        )
        parser.add_argument(
            "--changed-share",
            type=float,
            default=0.02,
            help="第二晚之前新增审核记录的教师比例（默认 0.02，即 2%%）",
        )
        parser.add_argument("--keep", action="store_true", help="不删除基准数据库")
        parser.add_argument("--inside", action="store_true", help=argparse_suppress())

    def handle(self, *args, **options):
        if options["inside"]:
            self._inside(options)
            return
        config = settings.DATABASES["default"]
        if "postgresql" not in config["ENGINE"]:
            raise CommandError("bench_audit 需要 PostgreSQL：请设置 DATABASE_URL。", returncode=2)
        bench_name = f"{config['NAME']}_bench_audit"
        admin = psycopg2.connect(
            dbname="postgres",
            user=config["USER"],
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            password=config.get("PASSWORD") or None,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            cursor.execute(f'CREATE DATABASE "{bench_name}"')
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{config['USER']}@{config['HOST'] or '127.0.0.1'}:"
                f"{config['PORT'] or 5432}/{bench_name}"
            ),
            "REDIS_URL": "",
        }
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
            )
            inside = subprocess.run(  # noqa: S603 our own manage.py with our own arguments
                [
                    sys.executable,
                    "manage.py",
                    "bench_audit",
                    "--inside",
                    "--teachers",
                    str(options["teachers"]),
                    "--records-per-teacher",
                    str(options["records_per_teacher"]),
                    "--concurrency",
                    str(options["concurrency"]),
                    "--changed-share",
                    str(options["changed_share"]),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                check=False,
                stdout=subprocess.PIPE,
                text=True,
            )
            if inside.returncode:
                raise CommandError("基准测试失败，见上方错误输出。", returncode=1)
            self.stdout.write(inside.stdout.strip())
        finally:
            if not options["keep"]:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            admin.close()

    # -- inside the bench database --------------------------------------------------------
    def _inside(self, options):
        from django.db import connection

        teachers = options["teachers"]
        per_teacher = options["records_per_teacher"]
        started = time.perf_counter()
        counties = self._units(connection, teachers)
        self._fill(connection, counties, teachers, per_teacher)
        built = time.perf_counter() - started
        self.stderr.write(
            f"data: {teachers} teachers, {teachers * per_teacher} records in {built:.1f} s\n"
        )

        as_of = date(2026, 11, 20)
        distinct = sorted({county_id for county_id, _county in counties})
        concurrency = max(1, options["concurrency"])
        changed = round(teachers * options["changed_share"])

        def audit_all(day):
            connections.close_all()  # each worker process opens its own connection
            started = time.perf_counter()
            with ProcessPoolExecutor(concurrency, mp_context=get_context("fork")) as pool:
                list(pool.map(_audit_one, distinct, [day] * len(distinct)))
            return time.perf_counter() - started

        # Night 1: every teacher is new to the audit, every row is written (a full audit).
        full_seconds = audit_all(as_of)
        # A day passes between two nights: autovacuum has visited the rows night 1 wrote.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        # The same night again: nothing changed, nothing is written.
        rerun_seconds = audit_all(as_of)
        # Night 2: during the day schools registered and counties approved records for
        # `changed` teachers; the date moved on, so every other teacher's status is refreshed.
        next_day = as_of + timedelta(days=1)
        self._day_of_approvals(connection, changed, per_teacher, next_day)
        audit_seconds = audit_all(next_day)
        self.stderr.write(
            f"full {full_seconds:.2f} s, rerun {rerun_seconds:.2f} s, "
            f"next night ({changed} teachers changed) {audit_seconds:.2f} s\n"
        )

        with connection.cursor() as cursor:
            bare_started = time.perf_counter()
            cursor.execute(
                "SELECT teacher_id, category, SUM(credits) FROM credits_creditledgerentry "
                "GROUP BY teacher_id, category"
            )
            cursor.fetchall()
            bare_seconds = time.perf_counter() - bare_started
        # The largest resident set of any auditing process (the workers have exited by now).
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    # The issue's keys, for the nightly audit: night 2, `changed` teachers
                    # with new approved records, every teacher's status brought to the date.
                    "teachers": teachers,
                    "records": teachers * per_teacher,
                    "audit_seconds": round(audit_seconds, 3),
                    "teachers_per_second": round(teachers / audit_seconds),
                    "bare_sql_seconds": round(bare_seconds, 3),
                    "ratio": round(audit_seconds / bare_seconds, 2),
                    "peak_rss_mb": round(peak),
                    # Beyond them: how it ran, the full audit of night 1 (every row written, as
                    # after a new policy version or on the first night of a school year), and
                    # the same night run again.
                    "concurrency": concurrency,
                    "changed_teachers": changed,
                    "full_audit_seconds": round(full_seconds, 3),
                    "full_teachers_per_second": round(teachers / full_seconds),
                    "full_ratio": round(full_seconds / bare_seconds, 2),
                    "rerun_seconds": round(rerun_seconds, 3),
                }
            )
        )

    def _day_of_approvals(self, connection, changed, per_teacher, day):
        """One day's approvals: a new record and its ledger posting for `changed` teachers.

        Spread evenly over the counties (every `step`-th teacher), as schools declare and
        counties approve all over the region; written in plain SQL, so PostgreSQL's triggers
        mark the teachers stale exactly as the approval service's writes do.
        """
        if not changed:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), count(*) FROM trainees_teacher")
            t0, total = cursor.fetchone()
            cursor.execute("SELECT min(id) FROM projects_trainingproject")
            p0 = cursor.fetchone()[0]
            cursor.execute("SELECT max(id) FROM projects_trainingrecord")
            r0 = cursor.fetchone()[0] + 1
            params = {
                "t0": t0,
                "r0": r0,
                "p0": p0,
                "n": changed,
                "step": max(1, total // changed),
                "k": per_teacher,
                "projects": PROJECTS,
                "day": day,
            }
            # A project none of the teacher's k projects is (offset by k in the pool).
            cursor.execute(
                """
                INSERT INTO projects_trainingrecord (id, teacher_id, project_id, hours,
                    leave_hours, grade, role, completed_on, status, reject_reason, created_at,
                    updated_at)
                SELECT %(r0)s + i, %(t0)s + i * %(step)s, p.id, p.hours, 0, 'pass', 'trainee',
                    %(day)s, 'approved', '', now(), now()
                FROM generate_series(0, %(n)s - 1) i
                JOIN projects_trainingproject p
                    ON p.id = %(p0)s + (i * %(step)s * 7 + %(k)s * 19) %% %(projects)s
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO credits_creditledgerentry (teacher_id, record_id, policy_id,
                    entry_type, occurred_on, school_year, category, effective_hours, base,
                    bonus, credits, bonus_rate, explanation, posted_at, reason)
                SELECT r.teacher_id, r.id, l.policy_id, 'posting', r.completed_on, '2026-2027',
                    p.category, r.hours, b.base, round(b.base * 0.05, 2),
                    b.base + round(b.base * 0.05, 2), 0.05, '基准', now(), ''
                FROM projects_trainingrecord r
                JOIN projects_trainingproject p ON p.id = r.project_id
                JOIN LATERAL (SELECT policy_id FROM credits_creditledgerentry
                              WHERE teacher_id = r.teacher_id LIMIT 1) l ON TRUE
                CROSS JOIN LATERAL (
                    SELECT round(r.hours / CASE p.mode WHEN 'centralized' THEN 4 ELSE 5 END, 2)
                        AS base
                ) b
                WHERE r.id >= %(r0)s
                """,
                params,
            )
            cursor.execute("ANALYZE")

    def _units(self, connection, teachers):
        from institutions.models import AdministrativeUnit
        from institutions.services import load_administrative_units

        load_administrative_units(province_code="65")
        counties = list(
            AdministrativeUnit.objects.filter(level="county")
            .select_related("parent")
            .order_by("code")
        )
        needed = max(1, -(-teachers // TEACHERS_PER_COUNTY))
        return [(c.pk, c) for c in (counties * (needed // len(counties) + 1))[:needed]]

    def _copy(self, connection, table, columns, rows):
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_from(buffer, table, columns=columns)

    def _next_id(self, connection, table):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(MAX(id), 0) + 1 "  # nosec B608 # noqa: S608 fixed table names
                f"FROM {table}"
            )
            return cursor.fetchone()[0]

    def _fill(self, connection, counties, teachers, per_teacher):
        from credits.models import Policy
        from institutions.models import AdministrativeUnit

        policy_id = Policy.objects.get(code="xinjiang-2024", status="active").pk
        region_id = AdministrativeUnit.objects.get(code="650000").pk
        # one school per county slot, one institution, a pool of approved region projects
        school_id = self._next_id(connection, "institutions_school")
        schools = []
        for index, (county_id, _county) in enumerate(counties):
            schools.append(
                (
                    school_id + index,
                    f"基准学校{index}",
                    f"8{index:09d}",
                    county_id,
                    # A county's schools differ in type, so each prefix PP CC T (at most 9,999
                    # numbers, 004 附件) holds one school's 2,000 teachers even at 1M.
                    str(1 + (index // COUNTIES) % 6),
                    "public",
                    "f",
                    "f",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                )
            )
        self._copy(
            connection,
            "institutions_school",
            (
                "id",
                "name",
                "code",
                "county_id",
                "school_type",
                "ownership",
                "is_directly_affiliated",
                "is_teacher_development_school",
                "created_at",
                "updated_at",
            ),
            schools,
        )
        project_id = self._next_id(connection, "projects_trainingproject")
        modes = [("centralized", 40), ("online", 50), ("school_based", 20)]
        categories = ["compulsory_public", "compulsory_professional", "elective", "school_based"]
        projects = []
        for index in range(PROJECTS):
            mode, hours = modes[index % 3]
            category = "school_based" if mode == "school_based" else categories[index % 3]
            start = date(2024, 1, 10) + timedelta(days=(index * 7) % 1000)
            projects.append(
                (
                    project_id + index,
                    f"B{index:06d}",
                    f"基准项目{index}",
                    "region",
                    "training",
                    mode,
                    category,
                    hours,
                    start,
                    start + timedelta(days=4),
                    "approved",
                    "",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                    region_id,
                )
            )
        self._copy(
            connection,
            "projects_trainingproject",
            (
                "id",
                "code",
                "name",
                "tier",
                "kind",
                "mode",
                "category",
                "hours",
                "starts_on",
                "ends_on",
                "review_status",
                "review_note",
                "created_at",
                "updated_at",
                "issuing_unit_id",
            ),
            projects,
        )
        with _bulk_load(connection, BULK_TABLES):
            self._fill_people(
                connection, schools[0][0], projects[0][0], policy_id, teachers, per_teacher
            )

    def _fill_people(self, connection, school0, project0, policy_id, teachers, per_teacher):
        """Teachers, approved records and their ledger postings, generated inside PostgreSQL.

        Teacher i works at school slot i // 2,000; one in ten was hired during the cycle (new
        teachers, prorated minimums); each takes `per_teacher` distinct projects of the pool.
        ID numbers are distinct and carry a valid check digit (GB 11643, ISO 7064 MOD 11-2).
        """
        if per_teacher > PROJECTS:
            raise CommandError(f"--records-per-teacher 不能超过 {PROJECTS}。", returncode=2)
        t0 = self._next_id(connection, "trainees_teacher")
        r0 = self._next_id(connection, "projects_trainingrecord")
        params = {
            "t0": t0,
            "r0": r0,
            "s0": school0,
            "p0": project0,
            "n": teachers,
            "k": per_teacher,
            "per_school": TEACHERS_PER_COUNTY,
            "projects": PROJECTS,
            "policy": policy_id,
        }
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO trainees_teacher (id, name, id_number, gender, school_id, subject,
                    hired_on, career_stage, is_active, created_at, updated_at)
                SELECT %(t0)s + i, '教师' || i,
                    b.body || substr('10X98765432', (
                        SELECT sum(substr(b.body, k, 1)::int
                                   * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[k])
                        FROM generate_series(1, 17) k)::int %% 11 + 1, 1),
                    'female', %(s0)s + i / %(per_school)s, 'mathematics',
                    CASE WHEN i %% 10 <> 0 THEN DATE '2015-09-01'
                         ELSE DATE '2024-01-01' + (i %% 1000) END,
                    'mature', TRUE, now(), now()
                FROM generate_series(0, %(n)s - 1) i
                CROSS JOIN LATERAL (
                    SELECT '650102' || to_char(DATE '1960-01-01' + i / 1000, 'YYYYMMDD')
                        || lpad((i %% 1000)::text, 3, '0') AS body
                ) b
                """,
                params,
            )
            # 19 and the pool's 400 share no factor: the k projects of a teacher are distinct.
            cursor.execute(
                """
                INSERT INTO projects_trainingrecord (id, teacher_id, project_id, hours,
                    leave_hours, grade, role, completed_on, status, reject_reason, created_at,
                    updated_at)
                SELECT %(r0)s + i * %(k)s + k, %(t0)s + i, p.id, p.hours, 0, 'pass', 'trainee',
                    p.ends_on, 'approved', '', now(), now()
                FROM generate_series(0, %(n)s - 1) i
                CROSS JOIN generate_series(0, %(k)s - 1) k
                JOIN projects_trainingproject p
                    ON p.id = %(p0)s + (i * 7 + k * 19) %% %(projects)s
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO credits_creditledgerentry (teacher_id, record_id, policy_id,
                    entry_type, occurred_on, school_year, category, effective_hours, base,
                    bonus, credits, bonus_rate, explanation, posted_at, reason)
                SELECT r.teacher_id, r.id, %(policy)s, 'posting', r.completed_on,
                    CASE WHEN extract(month FROM r.completed_on) >= 9
                         THEN b.y || '-' || (b.y + 1) ELSE (b.y - 1) || '-' || b.y END,
                    p.category, r.hours, b.base, round(b.base * 0.05, 2),
                    b.base + round(b.base * 0.05, 2), 0.05, '基准', now(), ''
                FROM projects_trainingrecord r
                JOIN projects_trainingproject p ON p.id = r.project_id
                CROSS JOIN LATERAL (
                    SELECT round(r.hours / CASE p.mode WHEN 'centralized' THEN 4 ELSE 5 END, 2)
                        AS base,
                        extract(year FROM r.completed_on)::int AS y
                ) b
                WHERE r.id >= %(r0)s
                """,
                params,
            )
        # A live database is vacuumed: hint bits and statistics are set before anyone measures.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


BULK_TABLES = ("trainees_teacher", "projects_trainingrecord", "credits_creditledgerentry")


@contextmanager
def _bulk_load(connection, tables):
    """Load big tables as a restore does: secondary indexes built once afterwards, not kept up
    row by row, foreign keys not checked row by row, and the stale-progress triggers off (one mark per teacher is added at the end,
    as migration 0010 marks everyone: the first audit recomputes everyone anyway)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        # The generated rows are consistent by construction: skip the per-row foreign-key
        # checks too, where the role may (a superuser; otherwise they run, only slower).
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        replica = cursor.fetchone()[0]
        if replica:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if replica:
                cursor.execute("SET session_replication_role = DEFAULT")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute(
                "INSERT INTO credits_staleprogress (teacher_id, marked_at) "
                "SELECT id, now() FROM trainees_teacher"
            )


def _audit_one(county_id: int, as_of: date) -> None:
    """One county's nightly audit in a worker process, as the Celery task runs it."""
    from audit.county import audit_county

    audit_county(county_id=county_id, as_of=as_of, issue=False)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
