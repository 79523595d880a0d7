"""The one seam for outbound HTTP: every request to Accurate goes through `HttpSeam.send`.

It owns the timeouts and turns transport failures into `AccurateError`; status codes and bodies are
left to the caller, which knows what they mean. Tests fake Accurate by replacing this one object.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit
from urllib.request import getproxies

import requests
from urllib3.exceptions import ConnectTimeoutError

from accurate import metrics
from accurate.errors import AccurateError, ErrorKind

logger = logging.getLogger(__name__)

# Methods that change nothing: a failure after sending them is simply "try again".
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    text: str = ""


class Seam(Protocol):
    """What the client and the OAuth functions need from the seam (tests provide a stub)."""

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> HttpAnswer: ...


class HttpSeam:
    """One `requests.Session` (connections are reused) with required connect and read timeouts."""

    def __init__(self, *, connect_timeout: float = 5.0, read_timeout: float = 60.0) -> None:
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("timeouts must be positive")
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        # The environment is read once here, not on every request (requests looks for .netrc and
        # proxy variables per call): those lookups would sit inside the rate limiter's slot.
        self.session.trust_env = False
        self.session.proxies = {k: v for k, v in getproxies().items() if k in ("http", "https")}

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> HttpAnswer:
        method = method.upper()
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                json=json,
                headers=dict(headers or {}),
                auth=auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            metrics.request_observe(metrics.NETWORK_ERROR, time.monotonic() - started)
            kind = _failure_kind(method, exc)
            # The path only: query strings can carry a session, headers carry the token.
            logger.warning("accurate %s %s failed (%s): %s", method, _path(url), kind, type(exc).__name__)
            raise AccurateError(kind, [type(exc).__name__]) from exc
        took = time.monotonic() - started
        metrics.request_observe(metrics.outcome_of(response.status_code), took)
        logger.debug("accurate %s %s -> %s in %.3fs", method, _path(url), response.status_code, took)
        return HttpAnswer(response.status_code, dict(response.headers), response.text)

    def close(self) -> None:
        self.session.close()


def _failure_kind(method: str, exc: requests.RequestException) -> ErrorKind:
    if method in SAFE_METHODS or not _maybe_sent(exc):
        return ErrorKind.unavailable
    return ErrorKind.unclear


def _maybe_sent(exc: BaseException) -> bool:
    """False only when the request surely never left: no connection could be made.

    Anything else (read timeout, connection reset or closed while waiting for the answer, a failure
    while sending the body) may have reached Accurate.
    """
    if isinstance(
        exc, requests.ConnectTimeout | requests.exceptions.SSLError | requests.exceptions.ProxyError
    ):
        return False
    if isinstance(exc, requests.ConnectionError):
        # requests wraps urllib3's MaxRetryError, whose `reason` is a NewConnectionError (a subclass of
        # ConnectTimeoutError) when the connection was refused or the name did not resolve.
        seen: list[BaseException] = [exc]
        for _ in range(20):  # the chain is short; the bound only guards against a cycle
            if not seen:
                break
            current = seen.pop()
            if isinstance(current, ConnectTimeoutError):
                return False
            seen.extend(arg for arg in current.args if isinstance(arg, BaseException))
            reason = getattr(current, "reason", None)
            if isinstance(reason, BaseException):
                seen.append(reason)
    return True


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
