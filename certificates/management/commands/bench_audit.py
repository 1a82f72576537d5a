"""Benchmark the nightly audit at provincial scale, in a database of its own.

    python manage.py bench_audit --teachers 200000 --records-per-teacher 20

Needs PostgreSQL (DATABASE_URL). Creates a separate database (<name>_bench_audit), migrates it,
fills it inside PostgreSQL (never touching the user's data), then in the same run times (1) the
audit of every county by one worker — `--concurrency` processes, by default one per CPU as a
Celery worker starts, each running `certificates.audit.audit_county` (progress, anomalies,
certificate numbers; PDF certificates are left out, their cost is per certificate issued, not
per teacher) — first on fresh data, then again with nothing changed (the rerun); and (2) a bare
SQL GROUP BY teacher, category over the same ledger. Prints one JSON line last.
"""

import io
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
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
        connections.close_all()  # each worker process opens its own connection
        runs = []
        with ProcessPoolExecutor(concurrency, mp_context=get_context("fork")) as pool:
            for _run in range(2):  # the first night writes every row; the second finds no change
                started = time.perf_counter()
                list(pool.map(_audit_one, distinct, [as_of] * len(distinct)))
                runs.append(time.perf_counter() - started)
        audit_seconds, rerun_seconds = runs
        self.stderr.write(f"audit {audit_seconds:.2f} s, rerun {rerun_seconds:.2f} s\n")

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
                    "teachers": teachers,
                    "records": teachers * per_teacher,
                    "audit_seconds": round(audit_seconds, 3),
                    "teachers_per_second": round(teachers / audit_seconds),
                    "bare_sql_seconds": round(bare_seconds, 3),
                    "ratio": round(audit_seconds / bare_seconds, 2),
                    "peak_rss_mb": round(peak),
                    # beyond the issue's keys, after them: how it ran, and the nightly rerun
                    "concurrency": concurrency,
                    "rerun_seconds": round(rerun_seconds, 3),
                }
            )
        )

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
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 fixed names
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


def _audit_one(county_id: int, as_of: date) -> None:
    """One county's nightly audit in a worker process, as the Celery task runs it."""
    from certificates.audit import audit_county

    audit_county(county_id=county_id, as_of=as_of, issue=False)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
