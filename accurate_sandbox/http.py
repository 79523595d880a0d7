"""The sandbox's own request and response types, independent of the HTTP server that carries them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes = b""
    # When its request line arrived (time.monotonic()): what the limits count, however long the
    # body then takes to read and however busy the process is.
    arrived: float | None = None

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def bearer(self) -> str:
        auth = self.header("authorization")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return ""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering (after any write is committed)


def to_json_value(value: Any) -> Any:
    """Decimals go out as JSON numbers: integral ones as ints, others through float.

    Amounts have at most 6 decimals and well under 15 significant digits, so the float's shortest
    repr is exactly the decimal's digits.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=to_json_value, ensure_ascii=False, separators=(",", ":"))


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status=status, body=dumps(value).encode())


def envelope(ok: bool, messages: Any, status: int = 200, **extra: Any) -> Response:
    return json_response({"s": ok, "d": messages, **extra}, status)


def html_response(html: str, status: int = 200) -> Response:
    return Response(status=status, body=html.encode(), content_type="text/html; charset=utf-8")


def redirect(url: str, params: dict[str, str]) -> Response:
    separator = "&" if "?" in url else "?"
    return Response(status=302, headers={"Location": f"{url}{separator}{urlencode(params)}"})


def xml_response(xml: str, status: int) -> Response:
    return Response(status=status, body=xml.encode(), content_type="application/xml;charset=UTF-8")
