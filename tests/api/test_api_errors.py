"""Every error of the API is the documented JSON shape: 413, 500 and 503 too, never HTML."""

import copy
import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from rest_framework.exceptions import NotFound

from core.exceptions import RETRY_AFTER_SECONDS, api_exception_handler

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/records/"


def _closed_port() -> int:
    """Return a local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_out_of_reach():
    """Point the default connection at a database that cannot be reached, for the requests
    made inside: a closed port on PostgreSQL, a file in a missing directory on SQLite. The
    test's own connection (and its transaction) is put back afterwards."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        settings_dict["NAME"] = "/nonexistent-directory/xuefentong.sqlite3"
    unreachable = original.__class__(settings_dict, alias="default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        connections["default"] = original
        unreachable.close()


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert set(body) <= {"code", "message", "params", "errors"}
    assert "Traceback" not in response.content.decode()
    return body


def test_an_unreachable_database_is_a_json_503_with_retry_after(api):
    """The database is down for one request: 503, Retry-After, the JSON shape; then it is back."""
    # when
    with database_out_of_reach():
        response = api.county.get(RECORDS)
    # then
    body = assert_error_shape(response, 503, "service_unavailable")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert (
        body["message"]
        == f"数据库暂时无法访问，本次请求没有完成。请在 {RETRY_AFTER_SECONDS} 秒后重试。"
    )
    assert api.county.get(RECORDS).status_code == 200


def test_an_unreachable_database_during_a_push_is_a_json_503(api):
    w = api.world
    item = {
        "external_id": "e1",
        "id_number": w.T2.id_number,
        "name": w.T2.name,
        "project_code": w.projR.code,
        "hours": 8,
    }
    with database_out_of_reach():
        response = api.county.post("/api/v1/records/bulk/", {"records": [item]}, format="json")
    assert_error_shape(response, 503, "service_unavailable")


def test_a_body_over_the_size_limit_is_a_json_413(api, settings):
    """Django's limit on a request body (DATA_UPLOAD_MAX_MEMORY_SIZE) answers the JSON shape."""
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    records = [{"external_id": f"e{i}", "name": "某" * 20} for i in range(20)]
    # when
    response = api.county.post("/api/v1/records/bulk/", {"records": records}, format="json")
    simulated = api.anonymous.post("/api/v1/simulate/", {"records": records}, format="json")
    # then
    body = assert_error_shape(response, 413, "request_too_large")
    assert body["message"] == "请求体过大：最多 1000 字节。请分批提交（每批最多 1000 条记录）。"
    assert body["params"] == {"limit": 1000}
    assert_error_shape(simulated, 413, "request_too_large")


def test_an_uncaught_exception_is_a_json_500_logged_with_its_traceback(caplog):
    """A bug answers 500 in the JSON shape; the traceback goes to the log, not to the client."""
    # given
    try:
        {}["missing"]
    except KeyError as error:
        exc = error
    # when
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api_exception_handler(exc, {"request": None, "view": None})
    # then
    assert response.status_code == 500
    assert response.data == {
        "code": "server_error",
        "message": "服务器内部错误，本次请求没有完成。请稍后重试；如果一直出现，请联系管理员。",
    }
    (record,) = caplog.records
    assert record.exc_info[1] is exc


def test_a_database_error_is_a_503_for_the_handler_alone():
    """The handler maps a lost connection to 503 without a request (kept testable on its own)."""
    response = api_exception_handler(OperationalError("server closed the connection"), {})
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert response.data["code"] == "service_unavailable"


def test_drf_errors_keep_their_shape():
    response = api_exception_handler(NotFound(), {})
    assert response.data == {"code": "not_found", "message": "未找到。"}


@pytest.mark.parametrize(
    "path", ["/api/v1/nowhere/", "/api/v1/records/0.5/", "/api/v1/teachers/x/progress/"]
)
def test_an_unknown_api_address_is_a_json_404(api, path):
    """Found by schemathesis: /records/0.5/ matched no route and answered Django's HTML 404."""
    response = api.county.get(path)
    body = assert_error_shape(response, 404, "not_found")
    assert body["message"] == "未找到该记录，或无权查看。"


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_failure_outside_drf_is_json_under_the_api(rf):
    """The error views answer JSON for /api/ and HTML elsewhere (a middleware that cannot
    reach the database fails before DRF: Django calls handler500)."""
    from core.exceptions import server_error

    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        api_answer = server_error(rf.get("/api/v1/records/"))
        page_answer = server_error(rf.get("/records/"))
    assert (api_answer.status_code, api_answer["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert api_answer["Content-Type"] == "application/json"
    assert page_answer.status_code == 500
    assert page_answer["Content-Type"].startswith("text/html")
