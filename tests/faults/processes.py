"""Private PostgreSQL, Redis, Celery workers and a web server, started and killed by the tests.

Nothing here touches the machine's shared PostgreSQL or Redis: every service runs from its own
directory under a fresh temporary path, on a free port, and is stopped when its test ends.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# The worker as docs/operations.md starts it (prefork), and gunicorn with one sync worker.
WORKER = ["-m", "celery", "-A", "config", "worker", "-l", "info"]
WORKER = [*WORKER, "--without-gossip", "--without-mingle"]
WEB = ["-m", "gunicorn", "config.wsgi", "-w", "1", "--timeout", "120", "-b"]


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path | None:
    """Return the directory of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def missing_binaries() -> str:
    """Say which of initdb, pg_ctl and redis-server are missing ("" when all are here)."""
    missing = []
    pg = postgres_bin()
    if pg is None or not (pg / "pg_ctl").exists():
        missing.append("initdb/pg_ctl (PostgreSQL server)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return ", ".join(missing)


def wait_until(check, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Call `check` until it returns something truthy; return it, or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached in {timeout:.0f} s")
        time.sleep(interval)


def _as_postgres_user() -> dict:
    """Run PostgreSQL's programs as the `postgres` account when the tests run as root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    account = pwd.getpwnam("postgres")
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


class Postgres:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port."""

    def __init__(self):
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.run_as = _as_postgres_user()
        if self.run_as:
            os.chown(self.root, self.run_as["user"], self.run_as["group"])
        subprocess.run(
            [
                self.bin / "initdb",
                "-D",
                self.data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            **self.run_as,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        # fsync=off only skips flushing to disk: a crash here is PostgreSQL's, not the
        # machine's, so committed transactions survive it as they would in production.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "start"],
            check=True,
            capture_output=True,
            **self.run_as,
        )

    def crash(self) -> None:
        """Stop at once, as a crash does: connections cut, recovery on the next start."""
        subprocess.run(
            [self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
            check=True,
            capture_output=True,
            **self.run_as,
        )

    def is_running(self) -> bool:
        done = subprocess.run(
            [self.bin / "pg_ctl", "-D", self.data, "status"], capture_output=True, **self.run_as
        )
        return done.returncode == 0

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(self.url(database))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def destroy(self) -> None:
        if self.is_running():
            self.crash()
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """A redis-server of its own on a free port, without persistence (as a restart loses)."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server answering")

    def _answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def kill(self) -> None:
        """SIGKILL: every connection drops and every queued message is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class Service:
    """A Django process of this project (Celery worker or gunicorn) with its own log file."""

    def __init__(self, argv: list[str], env: dict, log: Path):
        self.argv, self.env, self.log = argv, env, log
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def start(self) -> Service:
        self._log_file = open(self.log, "a", encoding="utf-8")  # noqa: SIM115 closed in stop()
        self.process = subprocess.Popen(
            self.argv,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches pool children too
        )
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, pattern: str, *, timeout: float, after: int = 0) -> int:
        """Wait for a line matching `pattern` past offset `after`; return the offset past it."""
        regex = re.compile(pattern)

        def found():
            if self.process.poll() is not None:
                raise AssertionError(f"{self.argv[2:5]} exited:\n{self.output()[-4000:]}")
            match = regex.search(self.output(), after)
            return match.end() if match else None

        return wait_until(found, timeout=timeout, interval=0.1, what=f"log line /{pattern}/")

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group, as the kernel's OOM killer or a lost machine does."""
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class Stack:
    """One test's services: its own database in the private cluster, its own Redis, its
    workers and web server, and the environment every process of the project gets."""

    def __init__(self, postgres: Postgres, database: str, root: Path):
        self.postgres = postgres
        self.database = database
        self.root = root
        self.redis = Redis(root)
        self.services: list[Service] = []
        (root / "media").mkdir(parents=True)

    def env(self, **extra: str) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.postgres.url(self.database),
            REDIS_URL=self.redis.url,
            MEDIA_ROOT=str(self.root / "media"),
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def worker(self, name: str = "worker", *, concurrency: int = 2, **extra: str) -> Service:
        """Start a Celery worker as docs/operations.md does (prefork), and wait until ready."""
        service = Service(
            [PYTHON, *WORKER, f"--concurrency={concurrency}", "-n", f"{name}@%h"],
            self.env(**extra),
            self.root / f"{name}.log",
        ).start()
        self.services.append(service)
        service.wait_for_log(r"ready\.", timeout=60)
        return service

    def web(self, **extra: str) -> tuple[Service, str]:
        """Start gunicorn with one sync worker; return it and its base URL."""
        port = free_port()
        service = Service(
            [PYTHON, *WEB, f"127.0.0.1:{port}"],
            self.env(**extra),
            self.root / "web.log",
        ).start()
        self.services.append(service)
        service.wait_for_log(r"Booting worker", timeout=60)
        base = f"http://127.0.0.1:{port}"
        import requests

        wait_until(
            lambda: _get_ok(requests, f"{base}/healthz"), timeout=60, what="gunicorn answering"
        )
        return service, base

    def driver(self, *args: str, timeout: float = 120, **extra: str):
        """Run one command of tests/faults/driver.py against this stack; return its JSON."""
        done = subprocess.run(
            [PYTHON, "-m", "tests.faults.driver", *args],
            cwd=BASE_DIR,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"driver {args} failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def sql(self, statement: str) -> list[tuple]:
        return self.postgres.sql(statement, self.database)

    def send_task(self, name: str, *args) -> None:
        """Send a task by name to this stack's Redis, as beat does."""
        from celery import Celery

        app = Celery("faults", broker=self.redis.url, set_as_current=False)
        try:
            app.send_task(name, args=list(args))
        finally:
            app.close()

    def wait_for_run(self, status: str, *, timeout: float) -> list:
        """Wait until the latest audit run has `status`; return [status, done, total]."""

        def ended():
            runs = self.counts()["runs"]
            return runs[-1] if runs and runs[-1][0] == status else None

        return wait_until(ended, timeout=timeout, interval=0.5, what=f"an audit run {status}")

    def upload_statuses(self) -> list[str]:
        """Return the state of every upload kept under MEDIA_ROOT/imports/."""
        return [
            json.loads(path.read_text(encoding="utf-8"))["state"]
            for path in sorted((self.root / "media" / "imports").glob("*/status.json"))
        ]

    def counts(self) -> dict:
        """Count what the audit and the import wrote (read in SQL: no Django start-up)."""
        tables = {
            "cycle_progress": "credits_cycleprogress",
            "year_progress": "credits_schoolyearprogress",
            "county_summaries": "credits_countysummary",
            "numbered_teachers": "certificates_certificatenumber",
            "certificate_versions": "certificates_certificate",
            "anomalies": "credits_auditanomaly",
            "stale_marks": "credits_staleprogress",
            "records": "projects_trainingrecord",
        }
        found = {}
        for key, table in tables.items():
            found[key] = self.sql(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 our names
        found["complete"] = self.sql(
            "SELECT count(*) FROM credits_cycleprogress WHERE status = 'complete'"
        )[0][0]
        found["certificates"] = self.sql(
            "SELECT count(*) FROM certificates_certificate"
            " WHERE kind = 'cycle' AND status = 'issued'"
        )[0][0]
        found["runs"] = [
            list(row)
            for row in self.sql(
                "SELECT status, counties_done, counties_total FROM credits_auditrun ORDER BY id"
            )
        ]
        return found

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.redis.kill()
        if self.postgres.is_running():
            # Other tests' databases live in the same cluster: drop only this one.
            with contextlib.suppress(Exception):
                self.postgres.sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _get_ok(requests, url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code < 500
    except requests.RequestException:
        return False
