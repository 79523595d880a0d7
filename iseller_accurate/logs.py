"""Log records as the operator reads them: plain lines (the default) or one JSON object per line
(`LOG_FORMAT=json`), the ids of what was being worked on, and never a secret.

- `log_context(store_id=…, connection_id=…)` binds ids for everything logged inside it (a contextvar:
  a Celery task or the engine sets it for the connection it pushes); `extra={"activity_id": …}` on a
  call adds or overrides one for that record.
- `RedactSecrets` (a filter on the handler) rewrites the message, the traceback and the stack of
  every record before any formatter sees it: bearer and basic credentials, `Authorization` values,
  `access_token=…`-like pairs, passwords in URLs, the ingestion API's keys, and the configured secrets
  themselves (SECRET_KEY, the OAuth client secret, the token keys, METRICS_TOKEN…).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

# The ids a record may carry, in the order a JSON line shows them.
CONTEXT_IDS = ("store_id", "connection_id", "activity_id")
REDACTED = "[redacted]"
# Configured secrets shorter than this are not searched for literally (they would match words).
MIN_SECRET_LENGTH = 8
# Settings whose values are secrets: found anywhere in a record, they are replaced.
SECRET_SETTINGS = (
    "SECRET_KEY",
    "ACCURATE_CLIENT_SECRET",
    "ACCURATE_TOKEN_KEYS",
    "METRICS_TOKEN",
    "EMAIL_HOST_PASSWORD",
)

_context: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("log_context", default=None)

_KEYS = (
    r"access_token|refresh_token|id_token|client_secret|secret_key|password|passwd|api_key|apikey"
    r"|x-session-id|session_id|token"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer abc / 'Authorization': 'Basic abc' / authorization=abc: scheme and all.
    (
        re.compile(
            r"""(?i)(\bauthorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token)\s+)?[^\s"',;}&]+"""
        ),
        rf"\1{REDACTED}",
    ),
    # A bearer or basic credential wherever it is.
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]+=*"), rf"\1 {REDACTED}"),
    # key=value, key: value, "key": "value" for the keys above.
    (
        re.compile(rf"""(?i)(["']?\b(?:{_KEYS})\b["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;}}&]+"""),
        rf"\1{REDACTED}",
    ),
    # scheme://user:password@host (DATABASE_URL, REDIS_URL).
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/\s@]*:)[^@\s/]+@"), rf"\1{REDACTED}@"),
    # The ingestion API's keys (outlets.models.stores.API_KEY_PREFIX).
    (re.compile(r"\bisk_[A-Za-z0-9_-]{16,}"), f"isk_{REDACTED}"),
)


@contextmanager
def log_context(**ids: int) -> Iterator[None]:
    """Every record logged inside carries these ids (added to the ones already bound)."""
    token = _context.set({**(_context.get() or {}), **ids})
    try:
        yield
    finally:
        _context.reset(token)


def _configured_secrets() -> list[str]:
    from django.conf import settings  # Imported late: logging is configured while settings load.

    if not settings.configured:
        return []
    found: list[str] = []
    for name in SECRET_SETTINGS:
        value = getattr(settings, name, "")
        values = value if isinstance(value, list | tuple) else [value]
        found += [str(v) for v in values if v and len(str(v)) >= MIN_SECRET_LENGTH]
    return sorted(found, key=len, reverse=True)  # a longer secret first, should one contain another


def redact(text: str) -> str:
    """`text` with every credential-looking value replaced by [redacted]."""
    for secret in _configured_secrets():
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, traceback and stack with their secrets redacted, and adds the
    ids bound by `log_context`. On the handler: every formatter after it sees the clean record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_context.get() or {}).items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the formatter to report
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the ids it carries,
    and the traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_IDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)
