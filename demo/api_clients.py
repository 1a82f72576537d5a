"""The demo's API clients, with public tokens."""

from __future__ import annotations

from institutions.models import AdministrativeUnit
from platforms.models import ApiAccess, ApiClient
from platforms.services import IssuedToken, register_api_client
from platforms.tokens import hash_token

DEMO_TOKENS = {"650000": "demo-region-token", "650102": "demo-county-token"}  # demo data only


def ensure_demo_api_clients() -> list[IssuedToken]:
    """Create the demo region and county clients unless they exist; return them with tokens.

    Demo data only: their tokens (demo-region-token, demo-county-token) are public. Both are
    read-write. Units missing from the database are skipped. Safe to run again.
    """
    issued = []
    for code, token in DEMO_TOKENS.items():
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        client = ApiClient.objects.filter(token_hash=hash_token(token)).first()
        if client is None:
            client = register_api_client(
                name=f"演示接口客户端（{unit.name}）",
                unit=unit,
                access=ApiAccess.READ_WRITE,
                token=token,
            ).client
        issued.append(IssuedToken(client=client, token=token))
    return issued
