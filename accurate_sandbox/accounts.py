"""The account host's API: which databases the user has, and data sessions on them."""

from __future__ import annotations

import json
from collections.abc import Callable

from accurate_sandbox.http import Request, Response, envelope, json_response
from accurate_sandbox.state import Sandbox
from accurate_sandbox.tokens import Token, session_db, session_end, session_open, token_by_access

SESSION_INVALID = "Data Session Key tidak tepat"
DONE = "Proses Berhasil Dilakukan"


def invalid_token(request: Request) -> Response:
    description = (
        "Invalid access token: " + request.bearer()[:6] + "…" if request.bearer() else "Missing token"
    )
    return json_response({"error": "invalid_token", "error_description": description}, 401)


def with_token(
    handler: Callable[[Sandbox, Request, Token], Response],
) -> Callable[[Sandbox, Request], Response]:
    def checked(sandbox: Sandbox, request: Request) -> Response:
        with sandbox.storage.transaction() as conn:
            token = token_by_access(conn, request.bearer())
        if token is None:
            return invalid_token(request)
        return handler(sandbox, request, token)

    return checked


def databases(sandbox: Sandbox) -> list[dict[str, object]]:
    with sandbox.storage.transaction() as conn:
        rows = conn.execute("SELECT data FROM databases ORDER BY id").fetchall()
    return [json.loads(row[0]) for row in rows]


@with_token
def db_list(sandbox: Sandbox, request: Request, token: Token) -> Response:
    return envelope(True, databases(sandbox))


@with_token
def open_db(sandbox: Sandbox, request: Request, token: Token) -> Response:
    raw = request.arg("id")
    if not raw.isdigit() or int(raw) not in {int(str(db["id"])) for db in databases(sandbox)}:
        return envelope(False, ["Data Usaha tidak ditemukan"])
    with sandbox.storage.transaction() as conn:
        session = session_open(conn, int(raw))
    return envelope(True, [DONE], session=session, host=sandbox.base_url)


@with_token
def check_session(sandbox: Sandbox, request: Request, token: Token) -> Response:
    # The reply shape is not documented [U]: `d` says whether the session is still good.
    with sandbox.storage.transaction() as conn:
        alive = session_db(conn, request.arg("session")) is not None
    return envelope(True, alive)


@with_token
def refresh_session(sandbox: Sandbox, request: Request, token: Token) -> Response:
    """A new session for the same database; the old one (live or expired) stops working [U]."""
    old = request.arg("session")
    with sandbox.storage.transaction() as conn:
        db_id = session_db(conn, old, live=False)
        if db_id is None or request.arg("id") != str(db_id):
            return envelope(False, [SESSION_INVALID])
        session_end(conn, old)
        session = session_open(conn, db_id)
    return envelope(True, [DONE], session=session, host=sandbox.base_url)
