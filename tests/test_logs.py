"""Log lines: plain by default, one JSON object per record with LOG_FORMAT=json, the ids bound for the
work at hand, and never a secret — a bearer token, an `access_token`, an Authorization header, a
password in a URL, an API key or a configured secret comes out as [redacted]."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iseller_accurate.logs import JsonFormatter, RedactSecrets, log_context

BASE_DIR = Path(__file__).resolve().parents[1]
METRICS_TOKEN = "metrics-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


class Captured:
    def __init__(self, formatter: logging.Formatter) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(RedactSecrets())
        self.handler.setFormatter(formatter)
        self.logger = logging.getLogger("tests.logs")
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def json(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines()]

    def close(self) -> None:
        self.logger.removeHandler(self.handler)


@pytest.fixture
def json_log(settings: Any) -> Iterator[Captured]:
    settings.METRICS_TOKEN = METRICS_TOKEN
    captured = Captured(JsonFormatter())
    yield captured
    captured.close()


@pytest.fixture
def plain_log(settings: Any) -> Iterator[Captured]:
    settings.METRICS_TOKEN = METRICS_TOKEN
    captured = Captured(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    yield captured
    captured.close()


def test_a_json_line_has_the_time_level_logger_and_message():
    record = logging.LogRecord("sync.engine.run", logging.INFO, __file__, 1, "pushed %s rows", (3,), None)
    record.created = 1767225600.25  # 2026-01-01 00:00:00.250 UTC

    line = JsonFormatter().format(record)

    assert line == (
        '{"time": "2026-01-01T00:00:00.250+00:00", "level": "INFO", "logger": "sync.engine.run", '
        '"message": "pushed 3 rows"}'
    )


def test_ids_bound_for_the_work_and_given_as_extra_are_on_the_line(json_log):
    with log_context(store_id=3, connection_id=5):
        json_log.logger.info("pushed %s rows", 2)
        with log_context(store_id=4):
            json_log.logger.warning("failed", extra={"activity_id": 9})
    json_log.logger.info("after")

    lines = [{k: v for k, v in line.items() if k != "time"} for line in json_log.json()]
    assert lines == [
        {
            "level": "INFO",
            "logger": "tests.logs",
            "message": "pushed 2 rows",
            "store_id": 3,
            "connection_id": 5,
        },
        {
            "level": "WARNING",
            "logger": "tests.logs",
            "message": "failed",
            "store_id": 4,
            "connection_id": 5,
            "activity_id": 9,
        },
        {"level": "INFO", "logger": "tests.logs", "message": "after"},
    ]


SECRETS_SAID = [
    (
        "sent headers {'Authorization': 'Bearer eyJhbGciOi.J9xyz-_abc', 'X-Session-ID': 'sess-123'}",
        "sent headers {'Authorization': '[redacted]', 'X-Session-ID': '[redacted]'}",
    ),
    ("Authorization: Basic c2FuZGJveDpzZWNyZXQ= then", "Authorization: [redacted] then"),
    ("retrying with bearer abc.DEF-123_x", "retrying with bearer [redacted]"),
    (
        "POST /oauth/token body=grant_type=refresh_token&refresh_token=rt-777&client_secret=cs-999",
        "POST /oauth/token body=grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]",
    ),
    (
        'answer {"access_token": "at-123", "expires_in": 3600}',
        'answer {"access_token": "[redacted]", "expires_in": 3600}',
    ),
    ("redis://:hunter2pass@cache:6379/0 unreachable", "redis://:[redacted]@cache:6379/0 unreachable"),
    (
        "postgres://app:db-pass-1@db:5432/iseller_accurate refused",
        "postgres://app:[redacted]@db:5432/iseller_accurate refused",
    ),
    ("key isk_Zx8vQ2mN4pL6rT0wY3bC5dF7 was revoked", "key isk_[redacted] was revoked"),
    (f"scraped with {METRICS_TOKEN}", "scraped with [redacted]"),
    ("accurate token refreshed for connection 5", "accurate token refreshed for connection 5"),
]


@pytest.mark.parametrize(("said", "logged"), SECRETS_SAID)
def test_secrets_in_a_message_are_redacted(json_log, said, logged):
    json_log.logger.info("%s", said)

    assert json_log.json()[0]["message"] == logged


def test_the_secret_key_itself_is_redacted(plain_log, settings):
    plain_log.logger.error("settings say %s", settings.SECRET_KEY)

    assert plain_log.lines() == ["ERROR tests.logs settings say [redacted]"]


def test_a_traceback_carrying_a_token_is_redacted_in_both_formats(json_log, plain_log):
    for captured in (json_log, plain_log):
        try:
            raise ValueError("refused access_token=at-secret-42 with Authorization: Bearer at-secret-42")
        except ValueError:
            captured.logger.exception("refresh failed")

    exception = json_log.json()[0]["exception"]
    assert exception.endswith("ValueError: refused access_token=[redacted] with Authorization: [redacted]")
    assert "at-secret-42" not in json_log.stream.getvalue()
    assert "at-secret-42" not in plain_log.stream.getvalue()
    assert plain_log.lines()[0] == "ERROR tests.logs refresh failed"


def run_logging(log_format: str | None) -> subprocess.CompletedProcess[str]:
    """A fresh process configured by the settings (as web and workers are) logs one line."""
    env = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    if log_format is not None:
        env["LOG_FORMAT"] = log_format
    code = (
        "import django, logging; django.setup(); "
        "from iseller_accurate.logs import log_context\n"
        "with log_context(store_id=7, connection_id=8):\n"
        "    logging.getLogger('sync.engine.run').warning("
        "'renewed: Authorization: Bearer tok-abc123 access_token=tok-abc123', extra={'activity_id': 9})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "iseller_accurate.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_log_format_json_makes_every_record_one_json_line():
    done = run_logging("json")

    assert done.returncode == 0, done.stderr
    [line] = done.stderr.splitlines()
    record = json.loads(line)
    assert {k: v for k, v in record.items() if k != "time"} == {
        "level": "WARNING",
        "logger": "sync.engine.run",
        "message": "renewed: Authorization: [redacted] access_token=[redacted]",
        "store_id": 7,
        "connection_id": 8,
        "activity_id": 9,
    }
    assert record["time"].endswith("+00:00")


def test_the_default_stays_the_plain_line_redacted_too():
    done = run_logging(None)

    assert done.returncode == 0, done.stderr
    [line] = done.stderr.splitlines()
    assert line.endswith(
        " WARNING sync.engine.run renewed: Authorization: [redacted] access_token=[redacted]"
    )
    assert "tok-abc123" not in done.stderr


def test_an_unknown_log_format_is_refused():
    done = run_logging("xml")

    assert done.returncode != 0
    assert "LOG_FORMAT must be plain or json." in done.stderr
