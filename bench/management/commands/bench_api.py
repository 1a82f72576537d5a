"""Benchmark the REST API: teacher progress against /healthz, and the bulk push of records."""

from __future__ import annotations

import datetime
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone
from stdnum.cn import ric

from audit.progress import recompute_county_progress
from credits.models import CycleProgress, SchoolYearProgress
from demo.api_clients import ensure_demo_api_clients
from institutions.choices import UnitLevel
from institutions.models import AdministrativeUnit, School
from platforms.call_log import flush_api_call_log
from platforms.models import ApiAccess, ApiCallLog, ApiClient
from platforms.services import register_api_client, rotate_api_client_token
from projects.choices import Category, Mode, ReviewStatus, Tier
from projects.models import TrainingProject, TrainingRecord
from trainees.choices import Gender, Subject
from trainees.models import Teacher

BENCH_CLIENT = "压测客户端（bench_api）"
BENCH_NAME = "压测教师"
BENCH_PROJECT_PREFIX = "BENCH"
BATCH = 10_000
WARM_UP_SECONDS = 5  # every worker loads the URLconf and opens its connection first
BASE_DIR = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = (
        "接口压测：把演示数据扩充到指定教师数，用 gunicorn 启动服务，用 wrk 测教师进度接口与 /healthz "
        "的吞吐和 p99，再测每次 1000 条的批量推送；最后输出一行 JSON。仅用于压测库（如 xuefentong_bench）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=100_000, help="教师总数（不足则补足）")
        parser.add_argument("--seed", type=int, default=20240901, help="随机种子")
        parser.add_argument("--duration", type=int, default=20, help="每项压测秒数")
        parser.add_argument("--connections", type=int, default=32, help="并发连接数")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn 进程数")
        parser.add_argument("--port", type=int, default=8010, help="gunicorn 端口（仅 127.0.0.1）")
        parser.add_argument(
            "--bulk-calls", type=int, default=5, help="批量推送次数（每次 1000 条）"
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="不启动 gunicorn，在本进程内用测试客户端顺序请求（冒烟测试用）",
        )
        parser.add_argument("--requests", type=int, default=200, help="本进程模式的请求数")
        parser.add_argument("--bulk-size", type=int, default=1000, help="每次推送的条数")

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])  # noqa: S311 benchmark data, not cryptography
        started = time.perf_counter()
        if not School.objects.exists():
            call_command("seed_demo", stdout=io.StringIO())
        ensure_demo_api_clients()
        added = _scale_teachers(options["teachers"], rng)
        projects = _bench_projects(2 * options["bulk_calls"] + 1)
        audited = _audit(as_of=timezone.localdate())
        if connection.vendor == "postgresql":
            _analyze_and_prewarm()
        prepared = time.perf_counter() - started
        token = _bench_token()
        ids = list(CycleProgress.objects.order_by().values_list("teacher_id", flat=True).distinct())
        if not ids:
            raise CommandError("没有周期进度数据，无法压测教师进度接口。")
        sample = rng.sample(ids, min(len(ids), 5000))
        load_before = os.getloadavg()[0]
        if options["in_process"]:
            load = _InProcess(token)
        else:
            load = _Gunicorn(options["workers"], options["port"], token)
        try:
            with load:
                healthz = load.run("/healthz", [], options)
                _forget_shared_progress()
                progress = load.run("/api/v1/teachers/{}/progress/", sample, options)
                progress["rendered"] = _shared_progress_count()
                # /healthz again after progress: the machine's speed drifts within minutes,
                # so progress is compared with the mean of the runs before and after it.
                healthz_after = load.run("/healthz", [], options)
                bulk = _bulk(load, token, projects[1:], options, rng)
        finally:
            _cleanup_bench_keys()
        load_after = os.getloadavg()[0]
        log_cost = _log_cost(token, sample, rng, count=min(300, options["requests"]))
        result = {
            "bench": "api",
            "machine": _machine(),
            "teachers": Teacher.objects.count(),
            "teachers_added": added,
            "cycle_progress_rows": audited,
            "prepare_seconds": round(prepared, 1),
            "mode": "in-process" if options["in_process"] else "gunicorn+wrk",
            "connections": options["connections"],
            "workers": options["workers"],
            "duration_s": options["duration"],
            # Other jobs on the machine skew every figure: the 1-minute load around the run.
            "loadavg_before": round(load_before, 2),
            "loadavg_after": round(load_after, 2),
            "healthz": healthz,
            "progress": progress,
            "healthz_after": healthz_after,
            "progress_to_healthz": _ratio(progress["rps"], healthz["rps"], healthz_after["rps"]),
            "bulk": bulk,
            "call_log": log_cost,
        }
        result["targets_met"] = {
            "progress_rps_300": progress["rps"] >= 300,
            "progress_p99_100ms": progress["p99_ms"] is not None and progress["p99_ms"] <= 100,
            "half_of_healthz": (result["progress_to_healthz"] or 0) >= 0.5,
            "bulk_2000_per_s": bulk["records_per_s"] >= 2000,
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))


def _ratio(progress_rps: float, *healthz_rps: float) -> float | None:
    """Return progress throughput over the mean of the /healthz runs around it."""
    ceiling = sum(healthz_rps) / len(healthz_rps)
    return round(progress_rps / ceiling, 2) if ceiling else None


# -- data ---------------------------------------------------------------------------------------
def _scale_teachers(total: int, rng: random.Random) -> int:
    """Add teachers (two draft records each) until there are `total`; return how many."""
    missing = total - Teacher.objects.count()
    if missing <= 0:
        return 0
    start = Teacher.objects.filter(name__startswith=BENCH_NAME).count()
    schools = list(School.objects.select_related("county").order_by("pk"))
    projects = list(
        TrainingProject.objects.filter(
            tier=Tier.REGION, review_status=ReviewStatus.APPROVED
        ).order_by("pk")[:8]
    ) or _bench_projects(2)
    subjects = [s.value for s in Subject]
    for offset in range(0, missing, BATCH):
        teachers = []
        for index in range(start + offset, start + min(offset + BATCH, missing)):
            school = schools[index % len(schools)]
            # Births in 1940-1959: no demo teacher was born then, so the numbers never collide.
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=index // 1000)
            body = f"{school.county.code}{born:%Y%m%d}{index % 1000:03d}"
            teachers.append(
                Teacher(
                    name=f"{BENCH_NAME}{index}",
                    id_number=body + ric.calc_check_digit(body + "0"),
                    gender=Gender.MALE if index % 2 else Gender.FEMALE,
                    school=school,
                    subject=rng.choice(subjects),
                    hired_on=datetime.date(2000 + index % 20, 9, 1),
                )
            )
        # Benchmark rows only: history is not what is measured, so plain bulk_create.
        created = Teacher.objects.bulk_create(teachers, batch_size=2000)
        records = [
            TrainingRecord(
                teacher=teacher,
                project=project,
                hours=project.hours,
                completed_on=project.ends_on,
            )
            for teacher in created
            for project in rng.sample(projects, min(2, len(projects)))
        ]
        TrainingRecord.objects.bulk_create(records, batch_size=2000)
    return missing


def _analyze_and_prewarm() -> None:
    """Refresh the planner's statistics after the bulk load, and read the tables the progress
    endpoint touches once, so the first seconds of the run do not measure a cold disk."""
    models = (Teacher, School, AdministrativeUnit, CycleProgress, SchoolYearProgress)
    tables = {model._meta.db_table for model in models}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table in sorted(tables):
            cursor.execute(
                "SELECT count(*) FROM "  # nosec B608 # noqa: S608 table names from model _meta
                f'(SELECT * FROM "{table}") AS rows'
            )


def _bench_projects(count: int) -> list[TrainingProject]:
    """Return `count` approved region projects the bulk push may use, creating them once."""
    region = AdministrativeUnit.objects.filter(level=UnitLevel.REGION).order_by("pk").first()
    if region is None:
        raise CommandError("没有省级行政区划，请先运行 seed_demo。")
    projects = []
    for number in range(1, count + 1):
        code = f"{BENCH_PROJECT_PREFIX}{number:04d}"
        project, _created = TrainingProject.objects.get_or_create(
            code=code,
            defaults={
                "name": f"压测培训项目{number}",
                "tier": Tier.REGION,
                "issuing_unit": region,
                "mode": Mode.ONLINE,
                "category": Category.ELECTIVE,
                "hours": Decimal(30),
                "starts_on": datetime.date(2025, 3, 1),
                "ends_on": datetime.date(2025, 4, 30),
                "review_status": ReviewStatus.APPROVED,
            },
        )
        projects.append(project)
    return projects


def _audit(*, as_of: datetime.date) -> int:
    """Run the nightly audit for every county with teachers lacking progress rows."""
    counties = (
        Teacher.objects.filter(is_active=True, cycle_progress__isnull=True)
        .values_list("school__county_id", flat=True)
        .distinct()
        .order_by()
    )
    for county_id in sorted(set(counties)):
        recompute_county_progress(county_id=county_id, as_of=as_of)
    return CycleProgress.objects.count()


def _bench_token() -> str:
    """Return a fresh token of the bench client (region, read-write, no practical rate limit)."""
    client = ApiClient.objects.filter(name=BENCH_CLIENT).first()
    if client is None:
        region = AdministrativeUnit.objects.filter(level=UnitLevel.REGION).order_by("pk").first()
        return register_api_client(
            name=BENCH_CLIENT,
            unit=region,
            access=ApiAccess.READ_WRITE,
            requests_per_minute=100_000_000,
        ).token
    return rotate_api_client_token(client=client).token


def _cleanup_bench_keys() -> None:
    """Keep the bench database from growing idempotency rows across runs (records stay)."""
    client = ApiClient.objects.filter(name=BENCH_CLIENT).first()
    if client is not None:
        client.idempotency_keys.all().delete()


def _forget_shared_progress() -> None:
    """Start the progress run with no rendered answer in the shared cache, as after a restart:
    the answers an earlier run left there would flatter this one. (Each gunicorn worker starts
    with its own cache empty.)"""
    delete_pattern = getattr(cache, "delete_pattern", None)  # django-redis only
    if delete_pattern is not None:
        delete_pattern("api-progress:*")


def _shared_progress_count() -> int | None:
    """Return how many answers the progress run rendered (kept in the shared cache)."""
    keys = getattr(cache, "keys", None)  # django-redis only
    return len(keys("api-progress:*")) if keys is not None else None


def _machine() -> dict:
    memory = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            memory = int(meminfo.readline().split()[1]) // 1024 // 1024
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "nproc": os.cpu_count(),
        "ram_gb": memory,
        "database": database,
        "python": platform.python_version(),
    }


# -- load ---------------------------------------------------------------------------------------
def _urlopen(request: urllib.request.Request | str, *, timeout: float):
    """Open an http or https URL; refuse any other scheme (urlopen would read file: too)."""
    url = request.full_url if isinstance(request, urllib.request.Request) else request
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise CommandError(f"只能请求 http 或 https 地址：{url}")
    return urllib.request.urlopen(request, timeout=timeout)  # nosec B310 # noqa: S310 http(s) only


class _Gunicorn:
    """Serve the project with gunicorn on 127.0.0.1 (DEBUG off) and load it with wrk."""

    def __init__(self, workers: int, port: int, token: str):
        self.workers, self.port, self.token = workers, port, token
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def __enter__(self):
        if shutil.which("wrk") is None:
            raise CommandError("需要 wrk（apt-get install wrk），或使用 --in-process。")
        env = {
            **os.environ,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 our own server, fixed arguments
            [str(gunicorn), "config.wsgi", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn 已退出（端口 {self.port} 是否被占用？）。")
            try:
                with _urlopen(f"{self.base}/healthz", timeout=10):
                    return self
            except OSError:  # refused while starting, or slow to load the first time
                time.sleep(0.5)
        self.__exit__()
        raise CommandError("gunicorn 未能在 60 秒内启动。")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def run(self, path: str, ids: list[int], options) -> dict:
        """Load one path with wrk: a short warm-up, then the set duration; return rps and
        latency percentiles."""
        self._wrk(path, ids, {**options, "duration": WARM_UP_SECONDS})
        return self._wrk(path, ids, options)

    def _wrk(self, path: str, ids: list[int], options) -> dict:
        with tempfile.TemporaryDirectory() as directory:
            command = ["wrk", "-t2", f"-c{options['connections']}", f"-d{options['duration']}s"]
            command += ["--latency", "--timeout", "5s"]
            if ids:
                script = Path(directory) / "progress.lua"
                script.write_text(_lua(path, ids, self.token), encoding="utf-8")
                command += ["-s", str(script)]
                url = self.base + path.format(ids[0])
            else:
                url = self.base + path
            output = subprocess.run(  # noqa: S603 wrk against our own loopback server
                [*command, url],
                capture_output=True,
                text=True,
                timeout=options["duration"] + 60,
                check=True,
            ).stdout
        return _parse_wrk(output)

    def post(self, path: str, body: dict, headers: dict) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 loopback
            self.base + path,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", **headers},
            method="POST",
        )
        try:
            with _urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


class _InProcess:
    """Call the views through Django's test client, one request after another (smoke runs)."""

    def __init__(self, token: str):
        self.token = token
        self.client = Client(HTTP_HOST="127.0.0.1")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def run(self, path: str, ids: list[int], options) -> dict:
        timings, errors = [], 0
        rng = random.Random(options["seed"])  # noqa: S311 request order only
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        for _ in range(options["requests"]):
            url = path.format(rng.choice(ids)) if ids else path
            started = time.perf_counter()
            response = self.client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200
        timings.sort()
        seconds = sum(timings) / 1000
        return {
            "rps": round(len(timings) / seconds, 1),
            "p50_ms": round(timings[len(timings) // 2], 2),
            "p99_ms": round(timings[min(len(timings) - 1, len(timings) * 99 // 100)], 2),
            "non_2xx": errors,
        }

    def post(self, path: str, body: dict, headers: dict) -> tuple[int, dict]:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        response = self.client.post(path, body, content_type="application/json", **extra)
        return response.status_code, response.json()


def _lua(path: str, ids: list[int], token: str) -> str:
    """Return a wrk script that asks for a random teacher's progress on every request."""
    head, tail = path.split("{}")
    return (
        f"local ids = {{{','.join(str(i) for i in ids)}}}\n"
        'local headers = {["Authorization"] = "Bearer ' + token + '", '
        '["Accept"] = "application/json"}\n'
        "math.randomseed(20240901)\n"
        "request = function()\n"
        f'  return wrk.format("GET", "{head}" .. ids[math.random(#ids)] .. "{tail}", headers)\n'
        "end\n"
    )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _parse_wrk(output: str) -> dict:
    def latency(percent: str):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return round(float(match.group(1)) * UNITS_MS[match.group(2)], 2) if match else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def _bulk(load, token: str, projects, options, rng: random.Random) -> dict:
    """Push `--bulk-calls` batches of new records one after another (one project each), then
    the same number from two platforms at once, then resend the last batch."""
    size = options["bulk_size"]
    headers = {"Authorization": f"Bearer {token}"}
    run = f"{int(time.time())}-{rng.randrange(10**6)}"
    # Warm every worker up on the push path (imports, URLconf, policy lookups) with batches
    # that are refused whole, so they write nothing.
    sample = list(Teacher.objects.order_by("pk").values_list("id_number", "name")[:size])
    refused = {
        "records": [
            {
                "external_id": f"warm-{i}",
                "id_number": n,
                "name": m,
                "project_code": "-",
                "hours": 30,
            }
            for i, (n, m) in enumerate(sample)
        ]
    }
    for _warm in range(3 * options.get("workers", 1)):
        load.post("/api/v1/records/bulk/", refused, headers)
    calls = options["bulk_calls"]
    bodies = [
        _push_body(project, size, f"{run}-{number}")
        for number, project in enumerate(projects[: 2 * calls])
    ]
    sequential = _push_all(load, bodies[:calls], headers, parallel=1)
    # In-process calls share this thread's database connection: no second platform there.
    parallel = 1 if isinstance(load, _InProcess) else 2
    concurrent = _push_all(load, bodies[calls:], headers, parallel=parallel)
    started = time.perf_counter()
    resend_status, _answer = load.post("/api/v1/records/bulk/", bodies[calls - 1], headers)
    resend = time.perf_counter() - started
    return {
        **sequential,
        "two_platforms_at_once": concurrent,
        "resend_seconds": round(resend, 2),
        "resend_status": resend_status,
    }


def _push_body(project, size: int, run: str) -> dict:
    teachers = list(
        Teacher.objects.filter(is_active=True)
        .exclude(training_records__project=project)
        .order_by("?")
        .values_list("id_number", "name")[:size]
    )
    return {
        "records": [
            {
                "external_id": f"bench-{run}-{index}",
                "id_number": id_number,
                "name": name,
                "project_code": project.code,
                "hours": 30,
                "grade": "pass",
                "completed_on": "2025-04-30",
            }
            for index, (id_number, name) in enumerate(teachers)
        ]
    }


def _push_all(load, bodies: list[dict], headers: dict, *, parallel: int) -> dict:
    """Send the batches over `parallel` connections; return records/s over the wall time."""
    results: list[tuple[int, dict, float]] = []
    lock = threading.Lock()

    def push(batch: list[dict]) -> None:
        for body in batch:
            started = time.perf_counter()
            status, answer = load.post("/api/v1/records/bulk/", body, headers)
            with lock:
                results.append((status, answer, time.perf_counter() - started))

    started = time.perf_counter()
    if parallel == 1:
        push(bodies)
    else:
        threads = [
            threading.Thread(target=push, args=(bodies[lane::parallel],))
            for lane in range(parallel)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - started
    pushed = sum(a.get("created", 0) + a.get("updated", 0) for s, a, _t in results if s == 200)
    return {
        "calls": len(results),
        "records": pushed,
        "seconds": round(seconds, 2),
        "records_per_s": round(pushed / seconds, 1) if seconds else 0.0,
        "per_call_seconds": [round(t, 2) for _s, _a, t in results],
        "statuses": sorted({s for s, _a, _t in results}),
    }


def _log_cost(token: str, ids: list[int], rng: random.Random, *, count: int) -> dict:
    """Measure the call log's share: the same progress requests in-process, logged and not."""
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    urls = [f"/api/v1/teachers/{rng.choice(ids)}/progress/" for _ in range(count)]

    def rate() -> float:
        started = time.perf_counter()
        for url in urls:
            client.get(url, **headers)
        return len(urls) / (time.perf_counter() - started)

    rate()  # warm up
    flush_api_call_log()
    logged_before = ApiCallLog.objects.count()
    with_log = without_log = 0.0
    for _round in range(3):  # alternate, so a change of machine load hits both alike
        with_log += rate()
        with mock.patch("platforms.middleware.log_api_call", return_value=None):
            without_log += rate()
    flush_api_call_log()
    logged = ApiCallLog.objects.count() - logged_before
    return {
        "rps_with_log": round(with_log / 3, 1),
        "rps_without_log": round(without_log / 3, 1),
        "ratio": round(with_log / without_log, 2),
        "rows_logged": logged,
    }
