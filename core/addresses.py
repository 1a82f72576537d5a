"""The address a request came from, as the portal's own proxies saw it."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """Return the client's IP address, or None when it is not a valid address.

    X-Forwarded-For is written by the client unless a proxy of ours appends to it, so it is
    read only with TRUSTED_PROXY_COUNT proxies in front (docs/operations.md): the address the
    outermost of them saw, the Nth from the right, as DRF's NUM_PROXIES reads it. Otherwise
    REMOTE_ADDR. Works for Django and DRF requests alike.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            address = addresses[-min(proxies, len(addresses))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
