"""Each client has its own request budget per minute; past it the answer is 429."""

import pytest

from platforms.models import ApiClient

pytestmark = pytest.mark.django_db


def test_a_client_over_its_limit_gets_429_and_others_do_not(api):
    # given
    ApiClient.objects.filter(pk=api.county_client.pk).update(requests_per_minute=3)
    # when
    statuses = [api.county.get("/api/v1/schools/").status_code for _ in range(4)]
    # then
    assert statuses == [200, 200, 200, 429]
    response = api.county.get("/api/v1/schools/")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert api.region.get("/api/v1/schools/").status_code == 200


def test_workers_share_one_budget_and_overshoot_by_at_most_a_lease():
    """Two workers (two processes' counters) serve one client: the cache holds their sum, and
    the client gets its limit plus at most what the quiet worker's lease let through."""
    from core.api_rates import LEASE_MAX, RequestCounter

    # given: a budget of 200 a minute, a moment early in a window
    key, now, limit = "api-rate:test-shared", 1_800_000_000.0, 200
    first, second = RequestCounter(), RequestCounter()
    # when: worker 1 serves 30 requests, then worker 2 serves until it is refused
    served_first = sum(first.count(key, limit, now=now)[0] for _ in range(30))
    served_second = sum(second.count(key, limit, now=now + 0.1)[0] for _ in range(300))
    # then
    assert served_first == 30
    assert limit <= served_first + served_second <= limit + LEASE_MAX
    assert not second.count(key, limit, now=now + 0.2)[0]
    assert not first.count(key, limit, now=now + 1.5)[0]  # worker 1 learns the total


def test_a_worker_reports_its_count_within_a_second():
    """Counts kept by a worker reach the shared cache at its next request a second later,
    so other workers see them (core.api_rates.SYNC_SECONDS)."""
    from django.core.cache import cache

    from core.api_rates import WINDOW_SECONDS, RequestCounter

    key, now, counter = "api-rate:test-sync", 1_800_000_000.0, RequestCounter()
    for _ in range(5):
        counter.count(key, 10_000, now=now)
    window_key = f"{key}:{int(now // WINDOW_SECONDS)}"
    assert cache.get(window_key) == 1  # the first request took a lease; four are still local
    counter.count(key, 10_000, now=now + 1.5)
    assert cache.get(window_key) == 6


def test_a_new_window_starts_from_zero():
    from core.api_rates import RequestCounter

    counter, key = RequestCounter(), "api-rate:test-window"
    assert [counter.count(key, 2, now=1_800_000_000.0)[0] for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert counter.count(key, 2, now=1_800_000_060.0)[0]


def test_retry_after_names_the_end_of_the_window():
    from core.api_rates import RequestCounter

    allowed, retry_after = RequestCounter().count("api-rate:test-retry", 1, now=1_800_000_015.0)
    assert allowed
    assert retry_after == 45
