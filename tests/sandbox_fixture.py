"""Pytest plugin: a live Accurate sandbox process (`python -m accurate_sandbox`) for tests to talk to.

    pytest_plugins = ["tests.sandbox_fixture"]

One sandbox process per test session (per xdist worker), started on first use on a free loopback
port with its own temporary SQLite file, and stopped at the end. `sandbox` hands it to a test and
`sandbox_module` to a test module, each time back to the seed (`POST /_sandbox/reset`: documents,
stock, numbering, counters and faults; tokens and sessions stay) once no request of an earlier test
is still in flight. A test that needs a sandbox started with other flags starts its own
(`start_sandbox`), and so do the end-to-end sync tests (tests/e2e/sync_support.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 20.0
IDLE_TIMEOUT_S = 20.0
POLL_S = 0.02
HTTP_TIMEOUT = 10
EMAIL = "merchant@sandbox.example"
PASSWORD = "sandbox"
ALL_SCOPES = (
    "branch_view warehouse_view glaccount_view item_view item_save item_delete customer_view customer_save "
    "sales_invoice_view sales_invoice_save sales_invoice_delete sales_receipt_view sales_receipt_save "
    "sales_return_view sales_return_save item_transfer_view item_transfer_save item_adjustment_view "
    "item_adjustment_save stock_opname_result_save other_deposit_view other_deposit_save branch_save "
    "bank_transfer_view bank_transfer_save bank_transfer_delete other_payment_view other_payment_save "
    "other_payment_delete "
    "warehouse_save glaccount_save customer_delete sales_receipt_delete sales_return_delete "
    "item_transfer_delete item_adjustment_delete other_deposit_delete branch_delete warehouse_delete"
)


class FormParser(HTMLParser):
    """The fields of the first form on a page: hidden inputs, checked boxes, and its action."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.action:
            self.action = values.get("action", "")
        if tag == "input" and values.get("name"):
            kind = values.get("type", "text")
            if kind == "hidden" or (kind == "checkbox" and "checked" in values):
                self.fields.append((values["name"], values.get("value", "")))


def parse_form(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


@dataclass
class SandboxProcess:
    url: str
    data_file: Path
    process: subprocess.Popen[bytes]
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    http: requests.Session = field(default_factory=requests.Session)

    # --- the sandbox's own endpoints ---

    def inspect(self) -> dict[str, Any]:
        return self._get("/_sandbox/inspect")

    def documents(self, module: str, db: int = 101) -> list[dict[str, Any]]:
        return list(self._get("/_sandbox/documents", db=db, module=module)["documents"])

    def faults(self, **settings: Any) -> dict[str, Any]:
        return self._post("/_sandbox/faults", json=settings)

    def expire_tokens(self) -> dict[str, Any]:
        return self._post("/_sandbox/expire-tokens")

    def expire_sessions(self) -> dict[str, Any]:
        return self._post("/_sandbox/expire-sessions")

    def reset(self) -> dict[str, Any]:
        return self._post("/_sandbox/reset")

    # --- waiting on its counters instead of sleeping ---

    def in_flight(self) -> int:
        """Requests the sandbox is handling right now, over every token."""
        per_token = self.inspect()["limits"]["per_token"]
        return sum(int(state["in_flight"]) for state in per_token.values())

    def wait_until(self, what: str, ready: Callable[[], bool], timeout: float = IDLE_TIMEOUT_S) -> None:
        """Poll `ready` (bounded); fail with `what` when the time runs out."""
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"sandbox at {self.url}: no {what} within {timeout:.0f} s")
            time.sleep(POLL_S)

    def clean(self) -> None:
        """Back to the seed for the next test, once nothing an earlier test sent is still running
        (a request that finished after the reset would leave its document behind)."""
        self.wait_until("idle moment", lambda: self.in_flight() == 0)
        self.reset()

    # --- the OAuth flow without a browser ---

    def authorize_url(self, redirect_uri: str, scope: str = ALL_SCOPES, state: str = "st") -> str:
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
        }
        return f"{self.url}/oauth/authorize?{urlencode(query)}"

    def login_and_authorize(
        self,
        authorize_url: str,
        *,
        scopes: list[str] | None = None,
        approve: bool = True,
        email: str = EMAIL,
    ) -> str:
        """Log in as the seeded user and press Give Access (or Cancel); returns the redirect URL.

        `scopes` ticks only those boxes on the consent page (default: all that were asked for);
        `email` another merchant (`merchant+<n>@sandbox.example`: tokens of its own).
        """
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=HTTP_TIMEOUT)
        page.raise_for_status()
        login = parse_form(page.text)
        fields = [*login.fields, ("email", email), ("password", PASSWORD)]
        consent_page = browser.post(urljoin(page.url, login.action), data=fields, timeout=HTTP_TIMEOUT)
        consent_page.raise_for_status()
        consent = parse_form(consent_page.text)
        chosen = [(n, v) for n, v in consent.fields if n != "scope" or scopes is None or v in scopes]
        chosen.append(("decision", "approve" if approve else "cancel"))
        answer = browser.post(
            urljoin(page.url, consent.action), data=chosen, allow_redirects=False, timeout=HTTP_TIMEOUT
        )
        assert answer.status_code == 302, answer.text
        return str(answer.headers["Location"])

    def exchange(self, code: str, redirect_uri: str) -> requests.Response:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return self.http.post(
            f"{self.url}/oauth/token",
            data=data,
            auth=(self.client_id, self.client_secret),
            timeout=HTTP_TIMEOUT,
        )

    def token(self, scope: str = ALL_SCOPES, scopes: list[str] | None = None) -> dict[str, Any]:
        """A fresh token reply through the whole flow (authorize, login, consent, code exchange)."""
        redirect_uri = "http://127.0.0.1/callback"
        location = self.login_and_authorize(self.authorize_url(redirect_uri, scope), scopes=scopes)
        code = location.split("code=", 1)[1].split("&", 1)[0]
        reply = self.exchange(code, redirect_uri)
        reply.raise_for_status()
        return dict(reply.json())

    def open_db(self, access_token: str, db_id: int = 101) -> tuple[str, str]:
        """(host, session) of a database opened with this token."""
        reply = self.http.get(
            f"{self.url}/api/open-db.do",
            params={"id": db_id},
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=HTTP_TIMEOUT,
        ).json()
        return str(reply["host"]), str(reply["session"])

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        reply = self.http.get(self.url + path, params=params, timeout=HTTP_TIMEOUT)
        reply.raise_for_status()
        return dict(reply.json())

    def _post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        reply = self.http.post(self.url + path, timeout=HTTP_TIMEOUT, **kwargs)
        reply.raise_for_status()
        return dict(reply.json())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sandbox(folder: Path, *extra: str) -> SandboxProcess:
    """Start `python -m accurate_sandbox` and wait (bounded) until it answers."""
    port = free_port()
    data_file = folder / "sandbox.sqlite3"
    log = (folder / "sandbox.log").open("wb")
    argv = [
        sys.executable,
        "-m",
        "accurate_sandbox",
        "--port",
        str(port),
        "--data-file",
        str(data_file),
    ]
    env = {**os.environ, "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([*argv, *extra], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    sandbox = SandboxProcess(f"http://127.0.0.1:{port}", data_file, process)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(f"{sandbox.url}/_sandbox/health", timeout=1).ok:
                return sandbox
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_sandbox(sandbox)
    output = (folder / "sandbox.log").read_text(errors="replace")
    raise RuntimeError(f"The Accurate sandbox did not start in {READY_TIMEOUT_S}s:\n{output}")


def stop_sandbox(sandbox: SandboxProcess) -> None:
    sandbox.http.close()
    if sandbox.process.poll() is None:
        sandbox.process.terminate()
        try:
            sandbox.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sandbox.process.kill()
            sandbox.process.wait()


class SharedSandbox:
    """One sandbox process for the session, started with `flags` on first use; started again if it
    died, so one crash fails one test, not every test after it."""

    def __init__(self, factory: pytest.TempPathFactory, *flags: str) -> None:
        self.factory = factory
        self.flags = flags
        self.running: SandboxProcess | None = None

    def clean(self) -> SandboxProcess:
        """The process, back to the seed."""
        if self.running is None or self.running.process.poll() is not None:
            if self.running is not None:
                stop_sandbox(self.running)
            self.running = start_sandbox(self.factory.mktemp("sandbox"), *self.flags)
        self.running.clean()
        return self.running

    def stop(self) -> None:
        if self.running is not None:
            stop_sandbox(self.running)
            self.running = None


@pytest.fixture(scope="session")
def sandbox_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSandbox]:
    """The session's sandbox process with Accurate's limits (8 per second, 8 in flight per token)."""
    shared = SharedSandbox(tmp_path_factory)
    yield shared
    shared.stop()


@pytest.fixture
def sandbox(sandbox_shared: SharedSandbox) -> SandboxProcess:
    """The session's sandbox, back to the seed for this test."""
    return sandbox_shared.clean()


@pytest.fixture(scope="module")
def sandbox_module(sandbox_shared: SharedSandbox) -> SandboxProcess:
    """The session's sandbox, back to the seed for this module: reset it where a test needs a clean
    slate."""
    return sandbox_shared.clean()


@pytest.fixture(scope="session")
def sandbox_fast_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSandbox]:
    """The session's sandbox process with the limits raised, for tests of its documents (the limit
    tests start their own)."""
    shared = SharedSandbox(tmp_path_factory, "--rate-limit", "10000", "--in-flight-limit", "100")
    yield shared
    shared.stop()
