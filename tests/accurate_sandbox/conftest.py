"""The session's sandbox with the limits raised (the limit tests start their own), back to the seed
for each module and reset per test, and `api`: a token with every scope and an open session on
database 101, talking raw HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.sandbox_fixture import SandboxProcess, SharedSandbox

TIMEOUT = 10


@dataclass
class Api:
    sandbox: SandboxProcess
    token: dict[str, Any]
    host: str
    session: str
    http: requests.Session

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token['access_token']}", "X-Session-ID": self.session}

    def url(self, module: str, action: str) -> str:
        return f"{self.host}/accurate/api/{module}/{action}.do"

    def get(self, module: str, action: str, **params: Any) -> requests.Response:
        return self.http.get(self.url(module, action), params=params, headers=self.headers(), timeout=TIMEOUT)

    def post(self, module: str, action: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.url(module, action), headers=self.headers(), timeout=TIMEOUT, **kwargs)

    def save(self, module: str, body: dict[str, Any]) -> dict[str, Any]:
        """save.do with a JSON body; the reply's JSON."""
        reply = self.post(module, "save", json=body)
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    def saved(self, module: str, body: dict[str, Any]) -> dict[str, Any]:
        """save.do that must succeed; the stored record (`r`)."""
        reply = self.save(module, body)
        assert reply["s"] is True, reply
        return dict(reply["r"])

    def detail(self, module: str, **params: Any) -> dict[str, Any]:
        return dict(self.get(module, "detail", **params).json())


@pytest.fixture(scope="module")
def sandbox_fast(sandbox_fast_shared: SharedSandbox) -> SandboxProcess:
    return sandbox_fast_shared.clean()


@pytest.fixture
def api(sandbox_fast: SandboxProcess) -> Iterator[Api]:
    # A fresh token each test: a test that authorizes again replaces the earlier token.
    sandbox_fast.clean()
    token = sandbox_fast.token()
    host, session = sandbox_fast.open_db(token["access_token"])
    with requests.Session() as http:
        yield Api(sandbox_fast, token, host, session, http)


@pytest.fixture
def items(api: Api) -> list[dict[str, Any]]:
    """Three inventory items and one service, created through item/bulk-save.do."""
    data = [
        {"no": "KOPI-1", "name": "Kopi Susu", "unitPrice": "18000"},
        {"no": "KOPI-2", "name": "Kopi Hitam", "unitPrice": "15000"},
        {"no": "ROTI-1", "name": "Roti Bakar", "unitPrice": "12500.50"},
        {"no": "JASA-1", "name": "Biaya Antar", "itemType": "SERVICE", "unitPrice": "5000"},
    ]
    reply = api.post("item", "bulk-save", json={"data": data}).json()
    assert reply["s"] is True, reply
    return [record["r"] for record in reply["d"]]
