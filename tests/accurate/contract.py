"""Connecting the real client to the live sandbox, the way the connection model will."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from accurate import (
    AccurateClient,
    HttpSeam,
    LocalRateLimiter,
    OAuthConfig,
    StaticCredentials,
    TokenSet,
    authorize_url,
    exchange_code,
    open_db,
)

REDIRECT_URI = "http://127.0.0.1:8000/accurate/callback"
DB_ID = 101


@dataclass
class Connected:
    client: AccurateClient
    provider: StaticCredentials
    tokens: TokenSet
    seam: HttpSeam
    config: OAuthConfig


def config_for(sandbox) -> OAuthConfig:
    return OAuthConfig(sandbox.url, sandbox.client_id, sandbox.client_secret, REDIRECT_URI)


def code_from(redirect: str, state: str) -> str:
    query = parse_qs(urlsplit(redirect).query)
    assert query["state"] == [state]
    return query["code"][0]


def connect(sandbox, *, scopes: list[str] | None = None, limiter=None, **client_options) -> Connected:
    """Authorize (all scopes, or only `scopes` ticked), exchange the code, open database 101."""
    seam = HttpSeam(connect_timeout=2, read_timeout=5)
    config = config_for(sandbox)
    redirect = sandbox.login_and_authorize(authorize_url(config, "state-1"), scopes=scopes)
    tokens = exchange_code(seam, config, code_from(redirect, "state-1"))
    session = open_db(seam, config, tokens.access_token, DB_ID)
    provider = StaticCredentials(
        access_token=tokens.access_token,
        host=session.host,
        session=session.session,
        limiter_key="connection-1",
        refresh_token=tokens.refresh_token,
        db_id=DB_ID,
        seam=seam,
        config=config,
    )
    client = AccurateClient(provider, seam, limiter or LocalRateLimiter(), **client_options)
    return Connected(client, provider, tokens, seam, config)
