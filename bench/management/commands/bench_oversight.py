"""Benchmark the oversight pages and exports at provincial scale, in a database of its own.

    python manage.py bench_oversight --teachers 1000000

Needs PostgreSQL (DATABASE_URL). Creates <name>_bench_oversight, migrates it, fills it with
bench_audit's generator (teachers, approved records, ledger), runs the nightly audit of every
county (progress, anomalies and the summaries the pages read), then, as a region officer, a
prefecture officer, a county officer and a school admin, requests each level's page
`--requests` times through Django's full request stack (middleware, restrict(), templates,
charts) and reports p50/p95; and exports `--export-rows` teachers to .xlsx in a fresh process,
reporting rows per second and that process's peak memory. Prints one JSON line last.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess  # nosec B404: runs our own manage.py
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench_audit import Command as AuditBench
from .bench_audit import _audit_one

AS_OF = date(2026, 11, 20)
SCHOOL_YEAR = "2026-2027"


class Command(BaseCommand):
    help = "在独立的 PostgreSQL 数据库中生成大规模数据，测量各级总览页面和导出的速度。"

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=1_000_000)
        parser.add_argument("--records-per-teacher", type=int, default=3)
        parser.add_argument("--requests", type=int, default=30, help="每个页面请求次数")
        parser.add_argument("--export-rows", type=int, default=100_000)
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
        parser.add_argument("--keep", action="store_true", help="不删除基准数据库")
        parser.add_argument("--inside", action="store_true", help="==SUPPRESS==")

    def handle(self, *args, **options):
        if options["inside"]:
            self._inside(options)
            return
        config = settings.DATABASES["default"]
        if "postgresql" not in config["ENGINE"]:
            raise CommandError(
                "bench_oversight 需要 PostgreSQL：请设置 DATABASE_URL。", returncode=2
            )
        bench_name = f"{config['NAME']}_bench_oversight"
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
            "OTP_REQUIRED": "0",
            "DEBUG": "0",
        }
        try:
            subprocess.run(  # nosec B603 our own manage.py
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
            )
            arguments = [
                "--teachers",
                str(options["teachers"]),
                "--records-per-teacher",
                str(options["records_per_teacher"]),
                "--requests",
                str(options["requests"]),
                "--export-rows",
                str(options["export_rows"]),
                "--concurrency",
                str(options["concurrency"]),
            ]
            inside = subprocess.run(  # nosec B603 # noqa: S603 our own manage.py and arguments
                [sys.executable, "manage.py", "bench_oversight", "--inside", *arguments],
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
        builder = AuditBench()
        started = time.perf_counter()
        counties = builder._units(connection, teachers)
        builder._fill(connection, counties, teachers, options["records_per_teacher"])
        built = time.perf_counter() - started
        self.stderr.write(f"data: {teachers} teachers in {built:.1f} s\n")

        distinct = sorted({county_id for county_id, _county in counties})
        started = time.perf_counter()
        context = get_context("fork")
        connection.close()  # each worker opens its own connection
        with ProcessPoolExecutor(max_workers=options["concurrency"], mp_context=context) as pool:
            list(pool.map(_audit_one, distinct, [AS_OF] * len(distinct)))
        audited = time.perf_counter() - started
        self.stderr.write(f"audit (with summaries): {len(distinct)} counties in {audited:.1f} s\n")
        summaries = self._time_summaries(distinct)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        accounts = self._accounts()
        pages = {
            level: self._time_page(user, url, options["requests"])
            for level, (user, url) in accounts.items()
        }
        export_unit, export_expected = self._export_unit(options["export_rows"])
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            export = pool.submit(
                _export_in_fresh_process, export_unit, options["export_rows"]
            ).result()
        result = {
            "teachers": teachers,
            "counties": len(distinct),
            "build_s": round(built, 1),
            "audit_s": round(audited, 1),
            "summaries_s": round(summaries, 1),
            "summary_rows": self._summary_rows(),
            "pages": pages,
            "page_p95_max_ms": max(p["p95_ms"] for p in pages.values()),
            "export": {**export, "unit_teachers": export_expected},
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _time_summaries(self, county_ids) -> float:
        """The summaries step alone, over every county, once more (it replaces its rows)."""
        from audit.summaries import summarize_county
        from credits.selectors import PolicyCache
        from institutions.models import AdministrativeUnit

        cache = PolicyCache()
        started = time.perf_counter()
        for county in AdministrativeUnit.objects.filter(pk__in=county_ids):
            _policy, spec = cache.for_county(county)
            summarize_county(county_id=county.pk, spec=spec, as_of=AS_OF)
        return time.perf_counter() - started

    def _summary_rows(self) -> int:
        from credits.models import ProgressSummary

        return ProgressSummary.objects.count()

    def _accounts(self) -> dict:
        """One account per level, each at the unit (or school) with the most teachers."""
        from django.contrib.auth.models import Group
        from django.db.models import Count

        from institutions.choices import Role
        from institutions.models import AdministrativeUnit, School, User
        from institutions.roles import group_name

        busiest = (
            School.objects.annotate(n=Count("teachers"))
            .order_by("-n", "pk")
            .select_related("county__parent__parent")
        ).first()
        county = busiest.county
        prefecture = county.parent
        region = AdministrativeUnit.objects.get(code="650000")

        def account(role, **where):
            user = User.objects.create_user(
                username=f"bench-{role}", password=None, role=role, **where
            )
            user.groups.add(Group.objects.get(name=group_name(role)))
            return user

        return {
            "region": (
                account(Role.REGION_OFFICER, unit=region),
                f"/credits/overview/{region.code}/",
            ),
            "prefecture": (
                account(Role.PREFECTURE_OFFICER, unit=prefecture),
                f"/credits/overview/{prefecture.code}/",
            ),
            "county": (
                account(Role.COUNTY_OFFICER, unit=county),
                f"/credits/overview/{county.code}/",
            ),
            "school": (
                account(Role.SCHOOL_ADMIN, school=busiest),
                f"/credits/overview/school/{busiest.pk}/",
            ),
            "county_teacher_list": (
                User.objects.get(username=f"bench-{Role.COUNTY_OFFICER}"),
                f"/credits/overview/teachers/?unit={county.code}&status=behind",
            ),
        }

    def _time_page(self, user, url: str, requests: int) -> dict:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        first = client.get(url)  # warm: templates compiled, connection open
        if first.status_code != 200:
            raise CommandError(f"{url} 返回 {first.status_code}", returncode=1)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} 返回 {response.status_code}", returncode=1)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        return {
            "url": url,
            "requests": requests,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1),
            "queries": len(queries),
            "bytes": len(first.content),
        }

    def _export_unit(self, rows: int) -> tuple[str, int]:
        """The unit whose teachers number closest to `rows` from above (a prefecture, say)."""
        from django.db.models import Count

        from institutions.models import AdministrativeUnit
        from trainees.models import Teacher

        best = None
        for unit in AdministrativeUnit.objects.all():
            n = Teacher.objects.filter(school__county__path__startswith=unit.path).count()
            if n >= rows and (best is None or n < best[1]):
                best = (unit.code, n)
        if best is None:
            unit = AdministrativeUnit.objects.get(code="650000")
            best = (unit.code, Teacher.objects.aggregate(n=Count("pk"))["n"])
        return best


def _export_in_fresh_process(unit_code: str, rows: int) -> dict:
    """Export `rows` teachers of `unit_code` to .xlsx as its officer would, in this process.

    A fresh process, so its peak memory is the export's own: Django, a request, the rows.
    """
    import django

    django.setup()
    after_setup = _peak_rss_mb()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from institutions.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code=unit_code)
    user = get_user_model().objects.get(username="bench-region_officer")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    before = _peak_rss_mb()
    started = time.perf_counter()
    response = client.get(f"/credits/overview/teachers/?unit={unit.code}&export=xlsx")
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    written = _count_rows(user, unit)
    peak = _peak_rss_mb()
    return {
        "unit": unit.name,
        "rows": written,
        "seconds": round(seconds, 2),
        "rows_per_s": round(written / seconds),
        "file_mb": round(size / 1e6, 1),
        "peak_rss_mb": round(peak, 1),
        "rss_after_setup_mb": round(after_setup, 1),
        "rss_before_export_mb": round(before, 1),
        "export_growth_mb": round(peak - before, 1),
        "status": response.status_code,
        "rows_asked": rows,
    }


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not ru_maxrss: Linux keeps that across
    exec, so a child started from a big parent would report the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _count_rows(user, unit) -> int:
    """The rows the export wrote: the same restricted, filtered queryset the page counts."""
    from credits.oversight import teachers_for

    return teachers_for(user, {"unit": unit}).count()
