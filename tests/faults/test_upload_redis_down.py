"""A large upload while Redis is down or loses its queue: never stuck, always a way forward."""

import time

import pytest
import requests

from .processes import wait_until

pytestmark = pytest.mark.faults
UPLOAD = "/records/import/"


def _browser(stack) -> requests.Session:
    """A school admin's signed-in browser, with its CSRF cookie."""
    cookie = stack.driver("session")
    browser = requests.Session()
    browser.cookies.set(cookie["cookie"], cookie["value"])
    return browser


def _upload(browser, base, path):
    page = browser.get(f"{base}{UPLOAD}", timeout=30)
    assert page.status_code == 200
    with open(path, "rb") as file:
        return browser.post(
            f"{base}{UPLOAD}",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            files={"file": ("培训记录.csv", file, "text/csv")},
            allow_redirects=False,
            timeout=60,
        )


def _validated(stack):
    return wait_until(
        lambda: stack.upload_statuses() == ["validated"], timeout=60, what="the upload validated"
    )


def test_an_upload_with_redis_down_is_refused_at_once_and_can_be_sent_again(stack):
    """Before: a 500 after 20 s, and the upload "queued" for ever."""
    # given: a worker, a web worker and a school admin with a 2,500-row file (goes to a task)
    worker = stack.worker()
    _web, base = stack.web()
    browser = _browser(stack)
    path = stack.driver("upload_csv", str(stack.root / "records.csv"))["path"]
    # when: Redis is down as the file is uploaded
    stack.redis.kill()
    started = time.monotonic()
    response = _upload(browser, base, path)
    took = time.monotonic() - started
    # then: the form comes back within seconds, saying in Chinese what to do; nothing is kept
    assert response.status_code == 200, response.text[:500]
    assert "后台处理服务暂时连接不上" in response.text
    assert "请过几分钟重新上传" in response.text
    assert took < 8, f"the page took {took:.1f} s"
    assert stack.upload_statuses() == []
    # when: Redis is back and the school uploads the file again
    offset = len(worker.output())
    stack.redis.start()
    worker.wait_for_log(r"Connected to redis", timeout=60, after=offset)
    response = _upload(browser, base, path)
    # then: the worker checks it
    assert response.status_code == 302, response.text[:500]
    _validated(stack)
    assert stack.counts()["records"] == stack.expected["records"]  # a check writes nothing


def test_an_upload_whose_task_redis_lost_is_given_up_and_can_be_sent_again(stack):
    """Redis restarted without its data under a queued upload: the page says so, not "queued"."""
    # given: an upload queued while no worker runs
    _web, base = stack.web(IMPORT_QUEUE_TIMEOUT_SECONDS="3")
    browser = _browser(stack)
    path = stack.driver("upload_csv", str(stack.root / "records.csv"))["path"]
    response = _upload(browser, base, path)
    assert response.status_code == 302
    assert stack.upload_statuses() == ["queued"]
    status_url = f"{base}{response.headers['Location']}status/"
    # when: Redis restarts, losing the task, and a worker comes up
    stack.redis.kill()
    stack.redis.start()
    stack.worker()
    time.sleep(4)
    # then: past the timeout the page reports the lost check and asks for the file again
    status = browser.get(status_url, timeout=30).json()
    assert (status["state"], status["is_running"]) == ("failed", False)
    assert "请重新上传" in status["message"]
    # when: the school uploads it again
    assert _upload(browser, base, path).status_code == 302
    # then: the new upload is checked; the lost one stays failed
    wait_until(
        lambda: sorted(stack.upload_statuses()) == ["failed", "validated"],
        timeout=60,
        what="the second upload validated",
    )
