"""Which client holds a bearer token, remembered for a few seconds per process."""

from __future__ import annotations

import hashlib
import time

from .models import ApiClient


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Tokens already checked by this process, with their client and its account (whose permission
# cache then stays warm): {token hash: (client, checked at)}. An entry is trusted for
# TOKEN_CACHE_SECONDS; rotating, revoking or changing a client drops it here at once, and other
# processes notice within that time.
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 1000
_checked_tokens: dict[str, tuple[ApiClient, float]] = {}


def active_client_for_token(token: str) -> ApiClient | None:
    """Return the active client holding `token`, with its account and unit.

    One query, or none when this process checked the token in the last few seconds.
    """
    digest = hash_token(token)
    now = time.monotonic()
    cached = _checked_tokens.get(digest)
    if cached is not None and now - cached[1] < TOKEN_CACHE_SECONDS:
        return cached[0]
    client = (
        ApiClient.objects.select_related("user__unit")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if client is None:
        _checked_tokens.pop(digest, None)
        return None
    if len(_checked_tokens) >= TOKEN_CACHE_SIZE:
        _checked_tokens.clear()
    _checked_tokens[digest] = (client, now)
    return client


def forget_checked_tokens() -> None:
    """Drop every token this process trusts, so the next call of each client is checked."""
    _checked_tokens.clear()
