"""OAuth and the account API, with the account host faked at the seam."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from accurate import (
    SCOPES,
    AccurateError,
    AccurateUser,
    Database,
    DbSession,
    ErrorKind,
    OAuthConfig,
    StaticCredentials,
    authorize_url,
    check_session,
    db_list,
    exchange_code,
    open_db,
    refresh_session,
    refresh_token,
)

from .fakes import StubSeam, answer, ok, refused

CONFIG = OAuthConfig(
    "https://account.example/", "client-1", "secret-1", "https://shop.example/accurate/callback"
)
TOKEN_REPLY = {
    "access_token": "at-1",
    "refresh_token": "rt-1",
    "token_type": "bearer",
    "expires_in": 1296000,
    "scope": "item_view item_save",
    "user": {"id": 42, "email": "owner@kopi.example", "name": "Owner Kopi"},
}


def test_the_authorize_url_asks_for_every_scope():
    url = authorize_url(CONFIG, "state-123")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://account.example/oauth/authorize"
    assert parse_qs(parts.query) == {
        "client_id": ["client-1"],
        "response_type": ["code"],
        "redirect_uri": ["https://shop.example/accurate/callback"],
        "scope": [" ".join(SCOPES)],
        "state": ["state-123"],
    }
    assert "%20" in parts.query
    assert len(SCOPES) == 35
    assert {"sales_invoice_save", "sales_invoice_delete", "stock_opname_result_save"} <= set(SCOPES)
    # Undo a range deletes a refund's money out and a payout's documents too.
    assert {"other_payment_delete", "bank_transfer_delete"} <= set(SCOPES)
    assert {"glaccount_save", "bank_transfer_save", "other_payment_save"} <= set(SCOPES)


def test_exchanging_the_code_posts_it_with_basic_auth_and_reads_the_tokens():
    seam = StubSeam([answer(200, TOKEN_REPLY)])
    before = dt.datetime.now(dt.UTC)

    tokens = exchange_code(seam, CONFIG, "code-9")

    request = seam.requests[0]
    assert (request.method, request.url, request.auth) == (
        "POST",
        "https://account.example/oauth/token",
        ("client-1", "secret-1"),
    )
    assert request.data == {
        "grant_type": "authorization_code",
        "code": "code-9",
        "redirect_uri": "https://shop.example/accurate/callback",
    }
    assert (tokens.access_token, tokens.refresh_token) == ("at-1", "rt-1")
    assert tokens.scopes == frozenset({"item_view", "item_save"})
    assert tokens.user == AccurateUser(id="42", email="owner@kopi.example", name="Owner Kopi")
    assert (
        before + dt.timedelta(days=15) <= tokens.expires_at <= dt.datetime.now(dt.UTC) + dt.timedelta(days=15)
    )
    assert "item_save" not in tokens.missing_scopes
    assert "sales_invoice_save" in tokens.missing_scopes
    assert "at-1" not in repr(tokens)


def test_refreshing_sends_the_refresh_token():
    seam = StubSeam([answer(200, {**TOKEN_REPLY, "access_token": "at-2", "refresh_token": "rt-2"})])

    tokens = refresh_token(seam, CONFIG, "rt-1")

    assert seam.requests[0].data == {"grant_type": "refresh_token", "refresh_token": "rt-1"}
    assert (tokens.access_token, tokens.refresh_token) == ("at-2", "rt-2")


def test_a_refused_refresh_is_token_invalid():
    seam = StubSeam([answer(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})])

    with pytest.raises(AccurateError) as caught:
        refresh_token(seam, CONFIG, "rt-used")

    assert (caught.value.kind, caught.value.retryable, caught.value.http_status) == (
        ErrorKind.token_invalid,
        False,
        400,
    )
    assert caught.value.messages == ["invalid_grant", "Invalid refresh token"]


def test_a_token_endpoint_down_is_unavailable():
    with pytest.raises(AccurateError) as caught:
        refresh_token(StubSeam([answer(503, text="down")]), CONFIG, "rt-1")

    assert caught.value.kind is ErrorKind.unavailable


def test_db_list_reads_the_databases():
    seam = StubSeam(
        [
            ok(
                [
                    {"id": 101, "alias": "Kopi Nusantara", "expired": False, "trial": True},
                    {"id": 102, "alias": "Lama", "expired": True},
                ]
            )
        ]
    )

    assert db_list(seam, CONFIG, "at-1") == [
        Database(id=101, alias="Kopi Nusantara", expired=False, trial=True),
        Database(id=102, alias="Lama", expired=True, trial=False),
    ]
    assert (seam.requests[0].url, seam.requests[0].headers) == (
        "https://account.example/api/db-list.do",
        {"Authorization": "Bearer at-1"},
    )


def test_open_db_gives_the_host_and_session():
    seam = StubSeam([ok(["Proses Berhasil Dilakukan"], session="sess-1", host="https://zeus.example/")])

    assert open_db(seam, CONFIG, "at-1", 101) == DbSession("https://zeus.example", "sess-1")
    assert (seam.requests[0].url, seam.requests[0].params) == (
        "https://account.example/api/open-db.do",
        {"id": 101},
    )


def test_refresh_session_reads_the_new_session_from_the_top_or_from_d():
    seam = StubSeam(
        [
            ok(session="sess-2", host="https://zeus.example"),
            ok({"session": "sess-3", "host": "https://hera.example"}),
        ]
    )

    assert refresh_session(seam, CONFIG, "at-1", 101, "sess-1") == DbSession("https://zeus.example", "sess-2")
    assert refresh_session(seam, CONFIG, "at-1", 101, "sess-2") == DbSession("https://hera.example", "sess-3")
    assert seam.requests[0].params == {"id": 101, "session": "sess-1"}


def test_check_session_is_true_or_false():
    seam = StubSeam([ok(True), ok(False), refused("Data Session Key tidak tepat", status=401)])

    assert [check_session(seam, CONFIG, "at-1", "s") for _ in range(3)] == [True, False, False]


def test_static_credentials_renew_the_token_once_for_many_stale_callers():
    seam = StubSeam([answer(200, {**TOKEN_REPLY, "access_token": "at-2", "refresh_token": "rt-2"})])
    provider = StaticCredentials(
        access_token="at-1",
        host="https://zeus.example",
        session="s1",
        refresh_token="rt-1",
        seam=seam,
        config=CONFIG,
    )
    stale = provider.current()

    first = provider.renew_token(stale)
    second = provider.renew_token(stale)

    assert first == second == provider.current()
    assert first.access_token == "at-2"
    assert (provider.refresh_token, provider.token_renewals, len(seam.requests)) == ("rt-2", 1, 1)
    assert first.limiter_key == stale.limiter_key
    assert "at-1" not in stale.limiter_key and "at-2" not in repr(first)


def test_static_credentials_open_the_database_again_when_the_session_cannot_be_refreshed():
    seam = StubSeam(
        [refused("Data Session Key tidak tepat", status=401), ok(session="s9", host="https://zeus.example")]
    )
    provider = StaticCredentials(
        access_token="at-1", host="https://zeus.example", session="s1", db_id=101, seam=seam, config=CONFIG
    )

    renewed = provider.renew_session(provider.current())

    assert (renewed.session, renewed.host) == ("s9", "https://zeus.example")
    assert [r.url.rsplit("/", 1)[1] for r in seam.requests] == ["db-refresh-session.do", "open-db.do"]


def test_static_credentials_without_a_refresh_token_cannot_renew():
    provider = StaticCredentials(access_token="at-1", host="https://zeus.example", session="s1")

    with pytest.raises(AccurateError) as caught:
        provider.renew_token(provider.current())

    assert caught.value.kind is ErrorKind.token_invalid
