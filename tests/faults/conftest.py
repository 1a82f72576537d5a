"""Fixtures of the fault tests: a private PostgreSQL cluster, and a stack per test.

The cluster starts once per session; a template database gets the migrations and the test data
once, and every test gets its own copy of it (CREATE DATABASE … TEMPLATE takes a second). The
audit of a copy run in one process, without Celery, gives the counts every faulty run must end
with. Tests skip with the reason when the PostgreSQL server programs or redis-server are missing.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from .processes import Postgres, Stack, missing_binaries

TEMPLATE = "faults_template"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.fault_test_failed = True
    return report


@pytest.fixture(scope="session")
def fault_cluster():
    """A PostgreSQL cluster of the tests' own, with a template database migrated and loaded."""
    if missing := missing_binaries():
        pytest.skip(f"fault tests start their own services; not installed: {missing}")
    postgres = Postgres()
    postgres.start()
    try:
        postgres.sql(f"CREATE DATABASE {TEMPLATE}")
        scratch = Path(tempfile.mkdtemp(prefix="faults-template-"))
        builder = Stack(postgres, TEMPLATE, scratch)
        builder.driver("migrate", timeout=300, REDIS_URL="")
        postgres.world = builder.driver("build", REDIS_URL="")
        postgres.sql(f"CREATE DATABASE faults_reference TEMPLATE {TEMPLATE}")
        reference = Stack(postgres, "faults_reference", scratch / "reference")
        reference.driver("audit_sync", REDIS_URL="")
        postgres.expected = reference.counts()
        postgres.sql("DROP DATABASE faults_reference")
        shutil.rmtree(scratch, ignore_errors=True)
        yield postgres
    finally:
        postgres.destroy()


@pytest.fixture
def stack(fault_cluster, request):
    """This test's database (a copy of the template), Redis, workers and web server.

    `stack.expected` holds the counts of a correct audit of the data. A failed test keeps its
    services' logs and names the directory on stderr.
    """
    name = "faults_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50]
    fault_cluster.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    fault_cluster.sql(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
    root = Path(tempfile.mkdtemp(prefix="faults-"))
    services = Stack(fault_cluster, name, root)
    services.world = fault_cluster.world
    services.expected = fault_cluster.expected
    services.redis.start()
    try:
        yield services
    finally:
        services.close()
        if not fault_cluster.is_running():
            fault_cluster.start()  # the test ended (failed) with the database down
        if getattr(request.node, "fault_test_failed", False):
            sys.stderr.write(f"\nlogs of {request.node.name}: {root}\n")
        else:
            shutil.rmtree(root, ignore_errors=True)
