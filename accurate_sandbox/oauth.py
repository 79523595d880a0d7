"""The OAuth side of the account host: authorize (login, consent), and the token endpoint."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from accurate_sandbox.config import (
    ACCESS_TOKEN_TTL,
    CODE_TTL,
    SANDBOX_PASSWORD,
    sandbox_user,
    sandbox_user_id,
)
from accurate_sandbox.http import Request, Response, html_response, json_response, redirect
from accurate_sandbox.pages import consent_page, error_page, login_page
from accurate_sandbox.state import Sandbox, Ticket
from accurate_sandbox.tokens import Token, code_issue, code_take, token_by_refresh, token_issue

AUTHORIZE_FIELDS = ("client_id", "response_type", "redirect_uri", "scope", "state")


def form_of(request: Request) -> dict[str, list[str]]:
    return parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def authorize_problem(sandbox: Sandbox, fields: dict[str, str]) -> str:
    if not sandbox.client_ok(fields.get("client_id", "")):
        return "client_id tidak dikenal"
    if fields.get("response_type") != "code":
        return "response_type harus code"
    if not fields.get("redirect_uri"):
        return "redirect_uri harus diisi"
    return ""


def authorize(sandbox: Sandbox, request: Request) -> Response:
    """GET /oauth/authorize: the login form, carrying the authorize parameters along."""
    fields = {name: request.arg(name) for name in AUTHORIZE_FIELDS}
    problem = authorize_problem(sandbox, fields)
    if problem:
        return html_response(error_page(problem), 400)
    return html_response(login_page(fields))


def login(sandbox: Sandbox, request: Request) -> Response:
    """POST /oauth/login: the seeded user's password, then the consent page."""
    form = form_of(request)
    fields = {name: (form.get(name) or [""])[0] for name in AUTHORIZE_FIELDS}
    problem = authorize_problem(sandbox, fields)
    if problem:
        return html_response(error_page(problem), 400)
    email = (form.get("email") or [""])[0].strip().lower()
    password = (form.get("password") or [""])[0]
    user_id = sandbox_user_id(email)
    if user_id is None or password != SANDBOX_PASSWORD:
        return html_response(login_page(fields, "Email atau password salah"))
    ticket = secrets.token_urlsafe(18)
    scopes = fields["scope"].split()
    with sandbox.tickets_lock:
        sandbox.tickets[ticket] = Ticket(
            user_id,
            fields["client_id"],
            fields["redirect_uri"],
            scopes,
            fields["state"],
            time.time() + CODE_TTL,
        )
    return html_response(consent_page(ticket, fields["client_id"], scopes))


def consent(sandbox: Sandbox, request: Request) -> Response:
    """POST /oauth/consent: Give Access redirects with a code, Cancel with error=access_denied."""
    form = form_of(request)
    with sandbox.tickets_lock:
        ticket = sandbox.tickets.pop((form.get("ticket") or [""])[0], None)
    if ticket is None or ticket.expires_at <= time.time():
        return html_response(error_page("Sesi login sudah habis, silakan ulangi"), 400)
    # The user may untick scopes: only the ticked ones that were asked for are granted.
    granted = [scope for scope in ticket.scopes if scope in set(form.get("scope", []))]
    if (form.get("decision") or [""])[0] != "approve" or not granted:
        return redirect(ticket.redirect_uri, {"error": "access_denied", "state": ticket.state})
    with sandbox.storage.transaction() as conn:
        code = code_issue(
            conn,
            user_id=ticket.user_id,
            client_id=ticket.client_id,
            redirect_uri=ticket.redirect_uri,
            scope=" ".join(granted),
        )
    return redirect(ticket.redirect_uri, {"code": code, "state": ticket.state})


def basic_client(request: Request) -> tuple[str, str]:
    auth = request.header("authorization")
    if auth[:6].lower() != "basic ":
        return "", ""
    try:
        decoded = base64.b64decode(auth[6:].strip()).decode()
    except ValueError:
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def token_reply(token: Token) -> dict[str, Any]:
    return {
        "access_token": token.access,
        "refresh_token": token.refresh,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_TTL,
        "scope": token.scope,
        "user": sandbox_user(token.user_id),
    }


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def token(sandbox: Sandbox, request: Request) -> Response:
    """POST /oauth/token: authorization_code or refresh_token grant, client by HTTP Basic."""
    client_id, secret = basic_client(request)
    if not sandbox.client_ok(client_id, secret):
        return oauth_error("invalid_client", "Bad client credentials", 401)
    form = {name: values[0] for name, values in form_of(request).items()}
    grant = form.get("grant_type", "")
    with sandbox.storage.transaction() as conn:
        if grant == "authorization_code":
            taken = code_take(
                conn,
                code=form.get("code", ""),
                client_id=client_id,
                redirect_uri=form.get("redirect_uri", ""),
            )
            if taken is None:
                return oauth_error("invalid_grant", "Invalid authorization code")
            issued = token_issue(conn, user_id=taken[0], client_id=client_id, scope=taken[1])
        elif grant == "refresh_token":
            old = token_by_refresh(conn, form.get("refresh_token", ""), client_id)
            if old is None:
                return oauth_error("invalid_grant", "Invalid refresh token")
            # Issuing deletes the old row: its access token dies now and its refresh token is spent.
            issued = token_issue(conn, user_id=old.user_id, client_id=client_id, scope=old.scope)
            sandbox.stats.add("token_refreshes")
        else:
            return oauth_error("unsupported_grant_type", f"Unsupported grant type: {grant}")
    sandbox.stats.add("tokens_issued")
    return json_response(token_reply(issued))
