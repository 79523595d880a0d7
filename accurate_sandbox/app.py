"""Routing: the account host's paths, the data host's paths and the sandbox's own, on one server."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from accurate_sandbox import accounts, inspection, oauth
from accurate_sandbox.data.api import data_call
from accurate_sandbox.http import Request, Response, envelope, json_response
from accurate_sandbox.limits import RATE_LIMITED
from accurate_sandbox.state import Sandbox
from accurate_sandbox.tokens import session_db

Handler = Callable[[Sandbox, Request], Response]

PAGES: dict[tuple[str, str], Handler] = {
    ("GET", "/oauth/authorize"): oauth.authorize,
    ("POST", "/oauth/login"): oauth.login,
    ("POST", "/oauth/consent"): oauth.consent,
    ("POST", "/oauth/token"): oauth.token,
    ("GET", "/_sandbox/health"): inspection.health,
    ("GET", "/_sandbox/inspect"): inspection.inspect,
    ("GET", "/_sandbox/documents"): inspection.documents,
    ("POST", "/_sandbox/faults"): inspection.faults,
    ("POST", "/_sandbox/expire-tokens"): inspection.expire_tokens,
    ("POST", "/_sandbox/expire-sessions"): inspection.expire_sessions,
    ("POST", "/_sandbox/reset"): inspection.reset,
}
# Bearer calls on the account host: counted against the token's limits like data calls.
ACCOUNT_API: dict[str, Handler] = {
    "/api/db-list.do": accounts.db_list,
    "/api/open-db.do": accounts.open_db,
    "/api/db-check-session.do": accounts.check_session,
    "/api/db-refresh-session.do": accounts.refresh_session,
}
DATA_PATH = re.compile(r"^/accurate/api/([a-z-]+)/([a-z-]+)\.do$")


def handle(sandbox: Sandbox, request: Request) -> Response:
    page = PAGES.get((request.method, request.path))
    if page is not None:
        return page(sandbox, request)
    account = ACCOUNT_API.get(request.path)
    match = DATA_PATH.match(request.path)
    if account is None and match is None:
        return json_response({"error": "not_found", "path": request.path}, 404)
    sandbox.stats.add("requests")
    token = request.bearer()
    if not sandbox.limiter.enter(token, arrived=request.arrived):
        return envelope(False, [RATE_LIMITED], 429)
    try:
        if account is not None:
            return account(sandbox, request)
        assert match is not None
        return faulty_data_call(sandbox, request, match.group(1), match.group(2))
    finally:
        sandbox.limiter.leave(token)


def faulty_data_call(sandbox: Sandbox, request: Request, module: str, action: str) -> Response:
    """Latency, failures and drops apply to data calls only, so account calls stay predictable [U].
    Per-database latency and failures (`databases`) apply to the calls of that database's sessions."""
    db_id = None
    if sandbox.faults.per_database():
        with sandbox.storage.transaction() as conn:
            db_id = session_db(conn, request.header("x-session-id"))
    latency = sandbox.faults.latency_s(db_id)
    if latency:
        time.sleep(latency)
    if sandbox.faults.should_fail(db_id):
        return envelope(False, ["Service Unavailable (sandbox fault)"], 503)
    response = data_call(sandbox, request, module, action)
    if sandbox.faults.should_drop():
        # The work is committed; the caller just never hears about it.
        return Response(drop=True)
    return response
