"""Databases and data sessions on the account host, and what a data call says about them."""

from __future__ import annotations

import requests

from tests.accurate_sandbox.conftest import Api
from tests.sandbox_fixture import SandboxProcess

TIMEOUT = 10


def account(api: Api, path: str, **params: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {api.token['access_token']}"}
    return requests.get(f"{api.sandbox.url}/api/{path}", params=params, headers=headers, timeout=TIMEOUT)


def test_db_list_shows_both_databases(api: Api) -> None:
    reply = account(api, "db-list.do").json()
    assert reply["s"] is True
    assert [(db["id"], db["alias"], db["trial"], db["expired"]) for db in reply["d"]] == [
        (101, "Kopi Nusantara", False, False),
        (102, "Kopi Nusantara (Trial)", True, False),
    ]


def test_open_db_gives_a_session_and_the_sandbox_itself_as_host(api: Api) -> None:
    reply = account(api, "open-db.do", id="102").json()
    assert reply["s"] is True
    assert reply["d"] == ["Proses Berhasil Dilakukan"]
    assert reply["host"] == api.sandbox.url
    assert len(reply["session"]) == 32


def test_open_db_of_an_unknown_database_fails(api: Api) -> None:
    assert account(api, "open-db.do", id="999").json() == {"s": False, "d": ["Data Usaha tidak ditemukan"]}


def test_sessions_are_checked_and_refreshed(api: Api) -> None:
    assert account(api, "db-check-session.do", session=api.session).json() == {"s": True, "d": True}
    renewed = account(api, "db-refresh-session.do", id="101", session=api.session).json()
    assert renewed["s"] is True
    assert renewed["host"] == api.sandbox.url
    assert renewed["session"] != api.session
    assert account(api, "db-check-session.do", session=api.session).json() == {"s": True, "d": False}
    assert account(api, "db-check-session.do", session=renewed["session"]).json() == {"s": True, "d": True}


def test_an_expired_session_answers_401_with_accurates_message(api: Api) -> None:
    assert api.sandbox.expire_sessions()["expired"] >= 1
    reply = api.get("branch", "list")
    assert reply.status_code == 401
    assert reply.json() == {"s": False, "d": ["Data Session Key tidak tepat"]}
    renewed = account(api, "db-refresh-session.do", id="101", session=api.session).json()
    api.session = renewed["session"]
    assert api.get("branch", "list").status_code == 200


def test_a_data_call_without_a_valid_token_answers_invalid_token(api: Api) -> None:
    api.token = {**api.token, "access_token": "not-a-token"}
    reply = api.get("branch", "list")
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_token"


def test_a_data_call_with_the_session_of_the_other_database_sees_that_database(api: Api) -> None:
    api.saved("customer", {"customerNo": "C-1", "name": "Budi"})
    other = account(api, "open-db.do", id="102").json()["session"]
    api.session = other
    assert api.detail("customer", customerNo="C-1") == {"s": False, "d": ["Data tidak ditemukan"]}


def test_a_missing_scope_answers_403_in_xml(sandbox_fast: SandboxProcess) -> None:
    token = sandbox_fast.token(scope="item_view")
    host, session = sandbox_fast.open_db(token["access_token"])
    headers = {"Authorization": f"Bearer {token['access_token']}", "X-Session-ID": session}
    allowed = requests.get(f"{host}/accurate/api/item/list.do", headers=headers, timeout=TIMEOUT)
    assert allowed.status_code == 200
    refused = requests.post(
        f"{host}/accurate/api/item/save.do", data={"no": "X"}, headers=headers, timeout=TIMEOUT
    )
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/xml")
    assert "<error>insufficient_scope</error>" in refused.text
    assert "<scope>item_save</scope>" in refused.text
    assert sandbox_fast.documents("item") == []
