"""Benchmark the nightly audit at provincial scale, in a database of its own.

    python manage.py bench_audit --teachers 200000 --records-per-teacher 20

Needs PostgreSQL (DATABASE_URL). Creates a separate database (<name>_bench_audit), migrates it,
fills it with COPY (never touching the user's data), then in the same run times (1) the
audit of every county with one worker process — progress, anomalies and certificate numbers;
PDF certificates are left out, their cost is per issued certificate, not per teacher — and
(2) a bare SQL GROUP BY teacher, category over the same ledger. Prints one JSON line last.
"""

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from stdnum.cn import ric

TEACHERS_PER_COUNTY = 2000


class Command(BaseCommand):
    help = "在独立的 PostgreSQL 数据库中生成大规模数据，测量夜间核查的速度（不触碰现有数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=200_000)
        parser.add_argument("--records-per-teacher", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
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
                    "--seed",
                    str(options["seed"]),
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

        rng = random.Random(options["seed"])  # noqa: S311 benchmark data
        teachers = options["teachers"]
        per_teacher = options["records_per_teacher"]
        started = time.perf_counter()
        counties = self._units(connection, teachers)
        self._fill(connection, rng, counties, teachers, per_teacher)
        built = time.perf_counter() - started
        self.stderr.write(
            f"data: {teachers} teachers, {teachers * per_teacher} records in {built:.1f} s\n"
        )

        from certificates.audit import has_certificate_codes
        from certificates.services import allocate_certificate_numbers
        from credits.selectors import PolicyCache
        from credits.services import recompute_county_progress
        from credits.services.anomalies import detect_anomalies
        from trainees.models import Teacher

        as_of = date(2026, 11, 20)
        cache = PolicyCache()
        audit_started = time.perf_counter()
        for county_id, county in counties:
            recompute_county_progress(county_id=county_id, as_of=as_of)
            policy, _spec = cache.for_county(county)
            detect_anomalies(county_id=county_id, policy=policy)
            if has_certificate_codes(county):
                ids = list(
                    Teacher.objects.filter(school__county_id=county_id).values_list("pk", flat=True)
                )
                allocate_certificate_numbers(teacher_ids=ids)
        audit_seconds = time.perf_counter() - audit_started

        with connection.cursor() as cursor:
            bare_started = time.perf_counter()
            cursor.execute(
                "SELECT teacher_id, category, SUM(credits) FROM credits_creditledgerentry "
                "GROUP BY teacher_id, category"
            )
            cursor.fetchall()
            bare_seconds = time.perf_counter() - bare_started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    "teachers": teachers,
                    "records": teachers * per_teacher,
                    "audit_seconds": round(audit_seconds, 3),
                    "teachers_per_second": round(teachers / audit_seconds),
                    "bare_sql_seconds": round(bare_seconds, 3),
                    "ratio": round(audit_seconds / bare_seconds, 1),
                    "peak_rss_mb": round(peak),
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

    def _fill(self, connection, rng, counties, teachers, per_teacher):
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
                    "2",
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
        for index in range(400):
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
        teacher_id = self._next_id(connection, "trainees_teacher")
        record_id = self._next_id(connection, "projects_trainingrecord")
        teacher_rows, record_rows, entry_rows = [], [], []
        for index in range(teachers):
            school = schools[index // TEACHERS_PER_COUNTY]
            pk = teacher_id + index
            teacher_rows.append(
                (
                    pk,
                    f"教师{index}",
                    _unique_id(index),
                    "female",
                    school[0],
                    "mathematics",
                    "2015-09-01",
                    "mature",
                    "t",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                )
            )
            for project in rng.sample(projects, per_teacher):
                rid = record_id
                record_id += 1
                hours = project[7]
                record_rows.append(
                    (
                        rid,
                        pk,
                        project[0],
                        hours,
                        0,
                        "pass",
                        "trainee",
                        project[9],
                        "approved",
                        "",
                        "2026-01-01 00:00:00+00",
                        "2026-01-01 00:00:00+00",
                    )
                )
                rate = {"centralized": 4, "online": 5, "school_based": 5}[project[5]]
                base = round(hours / rate, 2)
                bonus = round(base * 0.05, 2)
                year = project[9].year if project[9].month >= 9 else project[9].year - 1
                entry_rows.append(
                    (
                        pk,
                        rid,
                        policy_id,
                        "posting",
                        project[9],
                        f"{year}-{year + 1}",
                        project[6],
                        hours,
                        f"{base:.2f}",
                        f"{bonus:.2f}",
                        f"{base + bonus:.2f}",
                        "0.05",
                        "基准",
                        "2026-01-01 00:00:00+00",
                        "",
                    )
                )
            if len(record_rows) >= 200_000:
                self._flush(connection, teacher_rows, record_rows, entry_rows)
        self._flush(connection, teacher_rows, record_rows, entry_rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _flush(self, connection, teacher_rows, record_rows, entry_rows):
        self._copy(
            connection,
            "trainees_teacher",
            (
                "id",
                "name",
                "id_number",
                "gender",
                "school_id",
                "subject",
                "hired_on",
                "career_stage",
                "is_active",
                "created_at",
                "updated_at",
            ),
            teacher_rows,
        )
        self._copy(
            connection,
            "projects_trainingrecord",
            (
                "id",
                "teacher_id",
                "project_id",
                "hours",
                "leave_hours",
                "grade",
                "role",
                "completed_on",
                "status",
                "reject_reason",
                "created_at",
                "updated_at",
            ),
            record_rows,
        )
        self._copy(
            connection,
            "credits_creditledgerentry",
            (
                "teacher_id",
                "record_id",
                "policy_id",
                "entry_type",
                "occurred_on",
                "school_year",
                "category",
                "effective_hours",
                "base",
                "bonus",
                "credits",
                "bonus_rate",
                "explanation",
                "posted_at",
                "reason",
            ),
            entry_rows,
        )
        teacher_rows.clear()
        record_rows.clear()
        entry_rows.clear()


def _unique_id(index: int) -> str:
    """Return a distinct, checksum-valid 18-character ID number for benchmark teacher `index`."""
    born = date(1960, 1, 1) + timedelta(days=index // 1000)
    body = f"650102{born:%Y%m%d}{index % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
