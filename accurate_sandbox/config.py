"""What one sandbox process is started with: address, storage, credentials, limits and faults."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

# Seeded account side. The client id/secret can be changed by flags; the user is fixed.
DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
SANDBOX_USER: dict[str, Any] = {"id": 1001, "email": "merchant@sandbox.example", "name": "Merchant Sandbox"}
SANDBOX_PASSWORD = "sandbox"
# More merchants, each with tokens of their own (a token per user and client): `merchant+<n>@…`
# with the same password is user 1001 + n (several stores connected at once, as in production).
MAX_EXTRA_USERS = 999


def sandbox_user_id(email: str) -> int | None:
    """The user id for a login email: the seeded user, `merchant+<n>@sandbox.example`, or None."""
    local, _, domain = email.partition("@")
    seeded_local, _, seeded_domain = str(SANDBOX_USER["email"]).partition("@")
    if domain != seeded_domain:
        return None
    if local == seeded_local:
        return int(SANDBOX_USER["id"])
    base, plus, tag = local.partition("+")
    if base == seeded_local and plus and tag.isdigit() and 1 <= int(tag) <= MAX_EXTRA_USERS:
        return int(SANDBOX_USER["id"]) + int(tag)
    return None


def sandbox_user(user_id: int) -> dict[str, Any]:
    """What the token endpoint says about the user (`user` in its reply)."""
    extra = user_id - int(SANDBOX_USER["id"])
    if extra == 0:
        return dict(SANDBOX_USER)
    local, _, domain = str(SANDBOX_USER["email"]).partition("@")
    return {"id": user_id, "email": f"{local}+{extra}@{domain}", "name": f"{SANDBOX_USER['name']} {extra}"}


# Lifetimes, in seconds.
ACCESS_TOKEN_TTL = 15 * 24 * 3600  # "about 15 days reported"
CODE_TTL = 10 * 60
# Session lifetime is not documented [U]; half a day is plenty for tests and the embedded run.
SESSION_TTL = 12 * 3600

# Company settings of every seeded database.
COMPANY_START_DATE = "01/01/2024"
# PPN applied when a document is `taxable` [U]: Accurate takes the rate from each item's tax code;
# the sandbox uses one rate for everything, and rounds the tax to two decimals (half up).
TAX_RATE = Decimal("0.11")

BULK_LIMIT = 100


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 8001
    data_file: Path = Path("var/accurate_sandbox.sqlite3")
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    rate_limit: int = 8  # requests started per second, per access token
    in_flight_limit: int = 8  # requests in flight, per access token
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    quiet: bool = True
