"""Fakes at the one seam: a stub `send` answering from a script, and a limiter that only records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from accurate import AccurateError, HttpAnswer, StaticCredentials


def answer(status: int = 200, body: Any = None, text: str | None = None, **headers: str) -> HttpAnswer:
    return HttpAnswer(status, headers, text if text is not None else json.dumps(body))


def ok(d: Any = None, **extra: Any) -> HttpAnswer:
    return answer(200, {"s": True, "d": d if d is not None else ["Proses Berhasil Dilakukan"], **extra})


def refused(*messages: str, status: int = 200) -> HttpAnswer:
    return answer(status, {"s": False, "d": list(messages)})


SESSION_EXPIRED = refused("Data Session Key tidak tepat", status=401)
TOKEN_EXPIRED = answer(401, {"error": "invalid_token", "error_description": "Access token expired"})


@dataclass
class Request:
    method: str
    url: str
    params: Any
    data: Any
    json: Any
    headers: dict[str, str]
    auth: tuple[str, str] | None


@dataclass
class StubSeam:
    """Answers from a list, in order (an AccurateError in the list is raised); records each request."""

    answers: list[HttpAnswer | AccurateError]
    requests: list[Request] = field(default_factory=list)

    def send(self, method, url, *, params=None, data=None, json=None, headers=None, auth=None) -> HttpAnswer:
        if isinstance(data, bytes):  # a form body the client encoded: read back as its pairs
            data = parse_qsl(data.decode(), keep_blank_values=True)
        self.requests.append(Request(method, url, params, data, json, dict(headers or {}), auth))
        if not self.answers:
            raise AssertionError(f"unexpected request {method} {url}")
        next_answer = self.answers.pop(0)
        if isinstance(next_answer, AccurateError):
            raise next_answer
        return next_answer


@dataclass
class RecordingLimiter:
    slots: list[str] = field(default_factory=list)
    slow_downs: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        self.slots.append(key)
        yield

    def slow_down(self, key: str, seconds: float) -> None:
        self.slow_downs.append((key, seconds))


class CountingProvider(StaticCredentials):
    """Credentials whose renewals hand out numbered tokens and sessions, without any HTTP."""

    def __init__(self) -> None:
        super().__init__(
            access_token="token-0", host="https://zeus.example", session="session-0", limiter_key="conn-1"
        )

    def renew_token(self, stale):
        self.token_renewals += 1
        self._credentials = type(stale)(
            f"token-{self.token_renewals}", stale.host, stale.session, stale.limiter_key
        )
        return self._credentials

    def renew_session(self, stale):
        self.session_renewals += 1
        self._credentials = type(stale)(
            stale.access_token, stale.host, f"session-{self.session_renewals}", stale.limiter_key
        )
        return self._credentials
