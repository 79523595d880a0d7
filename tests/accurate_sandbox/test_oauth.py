"""The OAuth flow on the account host: login, consent, codes, tokens and refreshes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.sandbox_fixture import EMAIL, SandboxProcess, parse_form

REDIRECT = "http://127.0.0.1:9/callback"
TIMEOUT = 10


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def refresh(sandbox: SandboxProcess, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{sandbox.url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=TIMEOUT,
    )


def db_list(sandbox: SandboxProcess, access_token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(f"{sandbox.url}/api/db-list.do", headers=headers, timeout=TIMEOUT)


def test_it_redirects_with_a_code_and_the_exact_state(sandbox_fast: SandboxProcess) -> None:
    state = "a b&c=d/é?"
    location = sandbox_fast.login_and_authorize(sandbox_fast.authorize_url(REDIRECT, "item_view", state))
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert query["state"] == state
    assert len(query["code"]) > 10


def test_the_code_gives_a_token_with_the_granted_scopes_and_the_user(sandbox_fast: SandboxProcess) -> None:
    url = sandbox_fast.authorize_url(REDIRECT, "item_view item_save sales_invoice_save")
    code = query_of(sandbox_fast.login_and_authorize(url, scopes=["item_view", "sales_invoice_save"]))["code"]
    reply = sandbox_fast.exchange(code, REDIRECT)
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "scope", "user"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 24 * 3600
    assert body["scope"] == "item_view sales_invoice_save"
    assert body["user"] == {"id": 1001, "email": EMAIL, "name": "Merchant Sandbox"}


def test_a_code_works_once(sandbox_fast: SandboxProcess) -> None:
    code = query_of(sandbox_fast.login_and_authorize(sandbox_fast.authorize_url(REDIRECT)))["code"]
    assert sandbox_fast.exchange(code, REDIRECT).status_code == 200
    again = sandbox_fast.exchange(code, REDIRECT)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_redirect_uri(sandbox_fast: SandboxProcess) -> None:
    code = query_of(sandbox_fast.login_and_authorize(sandbox_fast.authorize_url(REDIRECT)))["code"]
    reply = sandbox_fast.exchange(code, "http://127.0.0.1:9/other")
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(sandbox_fast: SandboxProcess) -> None:
    code = query_of(sandbox_fast.login_and_authorize(sandbox_fast.authorize_url(REDIRECT)))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    reply = requests.post(
        f"{sandbox_fast.url}/oauth/token", data=data, auth=("sandbox-client", "x"), timeout=TIMEOUT
    )
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


def test_cancel_redirects_with_access_denied_and_the_state(sandbox_fast: SandboxProcess) -> None:
    url = sandbox_fast.authorize_url(REDIRECT, state="xyz")
    location = sandbox_fast.login_and_authorize(url, approve=False)
    assert query_of(location) == {"error": "access_denied", "state": "xyz"}


def test_an_unknown_client_gets_an_error_page(sandbox_fast: SandboxProcess) -> None:
    url = sandbox_fast.authorize_url(REDIRECT).replace("client_id=sandbox-client", "client_id=nobody")
    page = requests.get(url, timeout=TIMEOUT)
    assert page.status_code == 400
    assert "client_id tidak dikenal" in page.text


def test_a_wrong_password_shows_the_login_form_again(sandbox_fast: SandboxProcess) -> None:
    page = requests.get(sandbox_fast.authorize_url(REDIRECT), timeout=TIMEOUT)
    form = parse_form(page.text)
    fields = [*form.fields, ("email", EMAIL), ("password", "wrong")]
    again = requests.post(f"{sandbox_fast.url}{form.action}", data=fields, timeout=TIMEOUT)
    assert again.status_code == 200
    assert "Email atau password salah" in again.text
    assert 'name="password"' in again.text


def test_a_refresh_is_single_use_and_kills_the_old_access_token(sandbox_fast: SandboxProcess) -> None:
    first = sandbox_fast.token()
    before = sandbox_fast.inspect()["counters"]["token_refreshes"]
    renewed = refresh(sandbox_fast, first["refresh_token"])
    assert renewed.status_code == 200
    second = renewed.json()
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == first["scope"]
    assert db_list(sandbox_fast, first["access_token"]).status_code == 401
    assert db_list(sandbox_fast, second["access_token"]).status_code == 200
    reused = refresh(sandbox_fast, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    assert sandbox_fast.inspect()["counters"]["token_refreshes"] == before + 1


def test_authorizing_again_replaces_the_earlier_token(sandbox_fast: SandboxProcess) -> None:
    first = sandbox_fast.token()
    second = sandbox_fast.token(scope="item_view")
    assert db_list(sandbox_fast, first["access_token"]).status_code == 401
    assert refresh(sandbox_fast, first["refresh_token"]).status_code == 400
    assert db_list(sandbox_fast, second["access_token"]).status_code == 200


def test_an_expired_access_token_answers_401_and_can_be_refreshed(sandbox_fast: SandboxProcess) -> None:
    token = sandbox_fast.token()
    assert sandbox_fast.expire_tokens()["expired"] >= 1
    reply = db_list(sandbox_fast, token["access_token"])
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_token"
    renewed = refresh(sandbox_fast, token["refresh_token"]).json()
    assert db_list(sandbox_fast, renewed["access_token"]).status_code == 200


def test_other_merchants_get_tokens_of_their_own(sandbox_fast: SandboxProcess) -> None:
    def token_of(email: str) -> dict[str, Any]:
        url = sandbox_fast.login_and_authorize(sandbox_fast.authorize_url(REDIRECT), email=email)
        return dict(sandbox_fast.exchange(query_of(url)["code"], REDIRECT).json())

    first = token_of(EMAIL)
    second = token_of("merchant+2@sandbox.example")
    assert second["user"] == {"id": 1003, "email": "merchant+2@sandbox.example", "name": "Merchant Sandbox 2"}
    assert db_list(sandbox_fast, first["access_token"]).status_code == 200  # not replaced by the second
    assert db_list(sandbox_fast, second["access_token"]).status_code == 200
