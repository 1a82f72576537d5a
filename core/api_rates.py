"""Requests per client and minute, counted in the shared cache without a round trip per request.

Every worker counts its own requests and adds them to the shared counter (Redis in production)
in one `INCRBY`, taking a *lease*: it may then serve a share of what is left of the minute's
budget without asking again, for at most `SYNC_SECONDS`. The share is a sixteenth of the
headroom and at most `LEASE_MAX` requests; near the limit it drops to nothing, and every
request is counted in the cache before it is answered. The cost: requests another worker
served on its lease are not yet in the shared count, so a client served by N workers may get
up to (N - 1) x LEASE_MAX requests more than its limit in a minute (60 with four workers, 5%
of the default 1,200); limits up to 16 a minute are exact. Refused requests count too, as they
did with one increment per request. Leases are not reserved in the cache upfront: a worker
that goes quiet would then keep its reservation to the end of the minute, and the client
would be refused before reaching its limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60
# A worker takes at most this share of the headroom left in the window, and this many
# requests, before it must add its count to the shared counter again.
LEASE_SHARE = 16
LEASE_MAX = 20
SYNC_SECONDS = 1.0


@dataclass
class _Counter:
    window: int
    known: int = 0  # the shared count when this process last added to it
    pending: int = 0  # requests counted here and not yet added
    lease: int = 0  # requests this process may still count without adding
    synced_at: float = 0.0


class RequestCounter:
    """One process's counts of requests, added to the shared cache in batches."""

    def __init__(self):
        self._counters: dict[str, _Counter] = {}
        self._lock = threading.Lock()

    def count(self, key: str, limit: int, *, now: float | None = None) -> tuple[bool, float]:
        """Count one request against `key`'s budget of `limit` a minute.

        Return whether it is allowed and the seconds until the window ends (for Retry-After).
        """
        now = time.time() if now is None else now
        window = int(now // WINDOW_SECONDS)
        retry_after = WINDOW_SECONDS * (window + 1) - now
        with self._lock:
            counter = self._counters.get(key)
            if counter is None or counter.window != window:
                if len(self._counters) > 10_000:  # old windows of clients gone quiet
                    self._counters.clear()
                counter = self._counters[key] = _Counter(window=window)
            counter.pending += 1
            if counter.pending <= counter.lease and now - counter.synced_at < SYNC_SECONDS:
                return counter.known + counter.pending <= limit, retry_after
            delta, counter.pending = counter.pending, 0
        total = _add(f"{key}:{window}", delta)
        with self._lock:
            if total is None:  # the cache is down: count in this process only
                total = counter.known + delta
            counter.known = max(counter.known, total)
            counter.synced_at = now
            counter.lease = max(0, min(LEASE_MAX, (limit - total) // LEASE_SHARE))
        return total <= limit, retry_after

    def forget(self) -> None:
        """Drop every count and lease of this process."""
        with self._lock:
            self._counters.clear()


def _add(key: str, delta: int) -> int | None:
    """Add `delta` to the shared counter `key`; return its new value (None: cache down)."""
    try:
        return cache.incr(key, delta)
    except ValueError:  # no counter for this window yet
        if cache.add(key, delta, timeout=WINDOW_SECONDS + 5):
            return delta
        try:
            return cache.incr(key, delta)
        except ValueError:
            return None


# The counter of this process (a gunicorn worker; its threads share it).
_requests = RequestCounter()


def count_request(key: str, limit: int, *, now: float | None = None) -> tuple[bool, float]:
    """Count one request of this process against `key`'s budget (see RequestCounter.count)."""
    return _requests.count(key, limit, now=now)


def forget_counted_requests() -> None:
    """Drop this process's counts and leases (tests start each case from nothing)."""
    _requests.forget()
