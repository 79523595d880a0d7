"""Reading Accurate's answers: HTTP status first, then the `{s, d}` envelope. Raises `AccurateError`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from accurate.errors import AccurateError, ErrorKind, error_from_messages
from accurate.http import SAFE_METHODS, HttpAnswer


def messages_of(value: Any) -> list[str]:
    """Accurate's `d` on failure: a list of strings, a string, or (rarely) something else."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    return [json.dumps(value)]


def read_json(answer: HttpAnswer, *, method: str) -> dict[str, Any]:
    """The JSON object of an answer, or the error its HTTP status means.

    Raised here: 429 (rate_limited), 401 invalid_token (token_invalid), 403 insufficient_scope
    (an XML body, not the envelope), 5xx (unavailable), 404 (not_found), and bodies that are not JSON.
    """
    status = answer.status
    write = method.upper() not in SAFE_METHODS
    if status == 429:
        return _raise(ErrorKind.rate_limited, answer)
    if status == 504 and write:
        # A gateway gave up waiting for Accurate, which may still have saved the document. [U]
        return _raise(ErrorKind.unclear, answer)
    if status >= 500:
        return _raise(ErrorKind.unavailable, answer)
    if status == 403 and "insufficient_scope" in answer.text:
        return _raise(ErrorKind.insufficient_scope, answer)
    try:
        # Amounts come back as JSON numbers: read them as Decimal, never through float.
        body = json.loads(answer.text, parse_float=Decimal)
    except ValueError:
        body = None
    if isinstance(body, dict) and status == 401 and body.get("error") == "invalid_token":
        raise AccurateError(
            ErrorKind.token_invalid, messages_of(body.get("error_description")), http_status=status
        )
    if isinstance(body, dict):
        return body
    if status == 401:
        return _raise(ErrorKind.token_invalid, answer)
    if status == 403:
        return _raise(ErrorKind.insufficient_scope, answer)
    if status == 404:
        return _raise(ErrorKind.not_found, answer)
    # A 2xx that is not JSON: for a write we cannot tell whether Accurate saved it.
    return _raise(ErrorKind.unclear if write and status < 300 else ErrorKind.unavailable, answer)


def read_envelope(answer: HttpAnswer, *, method: str, sent_number: str | None = None) -> dict[str, Any]:
    """The envelope of a successful answer (`s: true`); any other answer raises its error."""
    body = read_json(answer, method=method)
    if body.get("s") is True and answer.status < 300:
        return body
    raise envelope_error(body, http_status=answer.status, sent_number=sent_number)


def envelope_error(
    body: dict[str, Any], *, http_status: int, sent_number: str | None = None
) -> AccurateError:
    messages = messages_of(body.get("d") if "d" in body else body.get("error_description", body.get("error")))
    if http_status == 401 and body.get("s") is False:
        # [U] The only known 401 with an envelope is the expired session; its wording may vary.
        return AccurateError(ErrorKind.session_expired, messages, http_status=http_status)
    if http_status == 404:
        return AccurateError(ErrorKind.not_found, messages, http_status=http_status)
    return error_from_messages(messages, http_status=http_status, sent_number=sent_number)


def _raise(kind: ErrorKind, answer: HttpAnswer) -> dict[str, Any]:
    # The body can be an HTML error page or XML: keep a short excerpt, never the whole page.
    excerpt = " ".join(answer.text.split())[:200]
    raise AccurateError(kind, [excerpt] if excerpt else [], http_status=answer.status)
