"""Access tokens, refresh tokens, authorization codes and database sessions, kept in the SQLite file."""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass

from accurate_sandbox.config import ACCESS_TOKEN_TTL, CODE_TTL, SESSION_TTL


@dataclass(frozen=True)
class Token:
    access: str
    refresh: str
    user_id: int
    client_id: str
    scope: str
    expires_at: float

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


def token_issue(conn: sqlite3.Connection, *, user_id: int, client_id: str, scope: str) -> Token:
    """A new token pair. Any earlier token of this user and client dies: re-authorizing replaces it."""
    conn.execute("DELETE FROM tokens WHERE user_id = ? AND client_id = ?", (user_id, client_id))
    token = Token(
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        user_id,
        client_id,
        scope,
        time.time() + ACCESS_TOKEN_TTL,
    )
    conn.execute(
        "INSERT INTO tokens (access, refresh, user_id, client_id, scope, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token.access, token.refresh, token.user_id, token.client_id, token.scope, token.expires_at),
    )
    return token


def token_by_access(conn: sqlite3.Connection, access: str) -> Token | None:
    """The live token for a bearer string; None when unknown, replaced or expired."""
    row = conn.execute(
        "SELECT * FROM tokens WHERE access = ? AND expires_at > ?", (access, time.time())
    ).fetchone()
    return Token(*row) if row else None


def token_by_refresh(conn: sqlite3.Connection, refresh: str, client_id: str) -> Token | None:
    # An expired access token can still be refreshed; a used refresh token is gone with its row.
    row = conn.execute(
        "SELECT * FROM tokens WHERE refresh = ? AND client_id = ?", (refresh, client_id)
    ).fetchone()
    return Token(*row) if row else None


def tokens_expire(conn: sqlite3.Connection) -> int:
    return conn.execute("UPDATE tokens SET expires_at = 0").rowcount


def code_issue(
    conn: sqlite3.Connection, *, user_id: int, client_id: str, redirect_uri: str, scope: str
) -> str:
    code = secrets.token_urlsafe(18)
    conn.execute(
        "INSERT INTO codes (code, user_id, client_id, redirect_uri, scope, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (code, user_id, client_id, redirect_uri, scope, time.time() + CODE_TTL),
    )
    return code


def code_take(
    conn: sqlite3.Connection, *, code: str, client_id: str, redirect_uri: str
) -> tuple[int, str] | None:
    """(user id, scope) for a live code bound to this client and redirect URI; the code is used up."""
    row = conn.execute(
        "DELETE FROM codes WHERE code = ? RETURNING user_id, client_id, redirect_uri, scope, expires_at",
        (code,),
    ).fetchone()
    if row is None or row[1] != client_id or row[2] != redirect_uri or row[4] <= time.time():
        return None
    return int(row[0]), str(row[3])


def session_open(conn: sqlite3.Connection, db_id: int) -> str:
    session = secrets.token_hex(16)
    conn.execute(
        "INSERT INTO sessions (session, db_id, expires_at) VALUES (?, ?, ?)",
        (session, db_id, time.time() + SESSION_TTL),
    )
    return session


def session_db(conn: sqlite3.Connection, session: str, *, live: bool = True) -> int | None:
    """The database a session opens; with live=False, also a session that has expired."""
    row = conn.execute("SELECT db_id, expires_at FROM sessions WHERE session = ?", (session,)).fetchone()
    if row is None or (live and row[1] <= time.time()):
        return None
    return int(row[0])


def session_end(conn: sqlite3.Connection, session: str) -> None:
    conn.execute("UPDATE sessions SET expires_at = 0 WHERE session = ?", (session,))


def sessions_expire(conn: sqlite3.Connection) -> int:
    return conn.execute("UPDATE sessions SET expires_at = 0").rowcount
