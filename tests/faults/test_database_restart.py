"""A database restart costs no failed request: kept-alive connections are checked first."""

import pytest
import requests

pytestmark = pytest.mark.faults


def test_first_request_after_a_database_restart_succeeds(stack):
    """A web worker's kept-alive connection died with the database; the next page still works."""
    # given: a web worker that served a signed-in page and kept its database connection
    _web, base = stack.web()
    cookie = stack.driver("session")
    browser = requests.Session()
    browser.cookies.set(cookie["cookie"], cookie["value"])
    assert browser.get(f"{base}/", timeout=30).status_code == 200
    # when: PostgreSQL crashes and comes back
    stack.postgres.crash()
    stack.postgres.start()
    # then: the very next request is answered, and so is the one after it
    first = browser.get(f"{base}/", timeout=30)
    assert first.status_code == 200, first.text[:500]
    assert browser.get(f"{base}/healthz", timeout=30).json()["status"] == "ok"
