"""`/healthz` (the process answers) and `/readyz` (the database, the broker, a beat heartbeat younger
than two intervals, at least one live worker): JSON, no login, nothing secret, and reachable the way a
load balancer probes — over plain HTTP, by the web process's address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from sync.models import Heartbeat

pytestmark = pytest.mark.embedded

BASE_DIR = Path(__file__).resolve().parents[2]
NO_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
READY: dict[str, Any] = {
    "status": "ok",
    "checks": {
        "database": {"status": "ok"},
        "broker": {"status": "ok"},
        "beat": {"status": "ok", "age_seconds": 3, "max_age_seconds": 30},
        "workers": {"status": "ok", "age_seconds": 1, "max_age_seconds": 30, "count": 2},
    },
}


@pytest.fixture(autouse=True)
def stack_reachable(settings: Any, tmp_path: Path) -> None:
    """Heartbeats every 15 s (the default, said here); embedded, a broker folder that exists."""
    settings.HEALTH_HEARTBEAT_SECONDS = 15
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        for key, sub in (
            ("data_folder_in", "queue"),
            ("data_folder_out", "queue"),
            ("control_folder", "control"),
        ):
            (tmp_path / sub).mkdir(exist_ok=True)
            options[key] = str(tmp_path / sub)
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = options


def beat(ago: float, name: str = "beat@web-1") -> Heartbeat:
    return Heartbeat.objects.create(name=name, role="beat", seen_at=timezone.now() - timedelta(seconds=ago))


def worker(ago: float, name: str) -> Heartbeat:
    return Heartbeat.objects.create(name=name, role="worker", seen_at=timezone.now() - timedelta(seconds=ago))


def alive() -> None:
    beat(3)
    worker(1.2, "celery@worker-1")
    worker(7, "celery@worker-2")
    worker(600, "celery@worker-gone")


def readyz(**extra: Any) -> Any:
    return Client().get("/readyz", **extra)


def test_healthz_says_ok_without_login_or_database():
    # No `db` fixture: pytest-django refuses any query, so this also proves none is made.
    answer = Client().get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer["Cache-Control"] == NO_CACHE


def test_readyz_is_200_when_every_check_passes(db):
    alive()

    answer = readyz()

    assert answer.status_code == 200
    assert answer.json() == READY
    assert answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == NO_CACHE


def test_no_database_is_503_naming_it_and_what_could_not_be_read(db):
    alive()

    def refuse(*args: Any) -> None:
        raise OperationalError("could not connect to server: password=db-secret-1")

    with connection.execute_wrapper(refuse):
        answer = readyz()

    assert answer.status_code == 503
    assert answer.json() == {
        "status": "fail",
        "checks": {
            "database": {"status": "fail", "error": "OperationalError"},
            "broker": {"status": "ok"},
            "beat": {
                "status": "fail",
                "age_seconds": None,
                "max_age_seconds": 30,
                "error": "OperationalError",
            },
            "workers": {
                "status": "fail",
                "age_seconds": None,
                "max_age_seconds": 30,
                "count": 0,
                "error": "OperationalError",
            },
        },
    }
    assert b"db-secret-1" not in answer.content


def test_an_unreachable_broker_is_503_naming_it_and_nothing_secret(db, settings):
    alive()
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS, data_folder_in="/nonexistent/broker/queue")
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
        said = {"status": "fail", "error": "data_folder_in missing or not writable"}
    else:
        settings.CELERY_BROKER_URL = "redis://:redis-secret-2@127.0.0.1:1/0"
        said = {"status": "fail", "error": "ConnectionError"}

    answer = readyz()

    assert answer.status_code == 503
    assert answer.json() == {**READY, "status": "fail", "checks": {**READY["checks"], "broker": said}}
    assert b"redis-secret-2" not in answer.content


def test_a_beat_heartbeat_older_than_two_intervals_is_503(db):
    beat(31)
    worker(1.2, "celery@worker-1")

    answer = readyz()

    assert answer.status_code == 503
    assert answer.json()["checks"]["beat"] == {"status": "fail", "age_seconds": 31, "max_age_seconds": 30}
    assert answer.json()["checks"]["workers"]["status"] == "ok"


def test_a_beat_never_seen_is_503(db):
    worker(1.2, "celery@worker-1")

    answer = readyz()

    assert answer.status_code == 503
    assert answer.json()["checks"]["beat"] == {
        "status": "fail",
        "age_seconds": None,
        "max_age_seconds": 30,
        "error": "no heartbeat",
    }


def test_the_freshest_of_two_beats_counts(db):
    beat(100, "beat@old-host")
    beat(2, "beat@new-host")
    worker(1.2, "celery@worker-1")

    assert readyz().json()["checks"]["beat"] == {"status": "ok", "age_seconds": 2, "max_age_seconds": 30}


def test_only_silent_workers_is_503(db):
    beat(3)
    worker(45, "celery@worker-1")
    worker(600, "celery@worker-2")

    answer = readyz()

    assert answer.status_code == 503
    assert answer.json()["checks"]["workers"] == {
        "status": "fail",
        "age_seconds": 45,
        "max_age_seconds": 30,
        "count": 0,
    }


def test_no_worker_ever_is_503(db):
    beat(3)

    answer = readyz()

    assert answer.status_code == 503
    assert answer.json()["checks"]["workers"] == {
        "status": "fail",
        "age_seconds": None,
        "max_age_seconds": 30,
        "count": 0,
        "error": "no heartbeat",
    }


def test_the_interval_setting_sets_the_limit(db, settings):
    settings.HEALTH_HEARTBEAT_SECONDS = 60
    beat(100)
    worker(119, "celery@worker-1")

    answer = readyz()

    assert answer.status_code == 200
    assert answer.json()["checks"]["beat"] == {"status": "ok", "age_seconds": 100, "max_age_seconds": 120}


def test_a_probe_by_address_over_plain_http_is_answered(db, settings):
    """SECURE_SSL_REDIRECT on (production): pages go to HTTPS, probes do not; an address that
    ALLOWED_HOSTS does not list is refused for pages, not for probes."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["backoffice.example.com"]
    alive()
    client = Client()

    assert client.get("/login/", HTTP_HOST="backoffice.example.com").status_code == 301
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    healthz = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    ready = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert (healthz.status_code, healthz.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, READY)
    assert client.head("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_a_probe_only_reads(db):
    answer = Client().post("/readyz")

    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD"


def test_not_ready_is_an_answer_not_an_error_in_the_log(db, caplog):
    with caplog.at_level("INFO", logger="django.request"):
        answer = readyz()

    assert answer.status_code == 503
    assert caplog.records == []


def database_options(url: str, **env: str) -> dict[str, Any]:
    """The database OPTIONS the settings give a fresh process for DATABASE_URL `url`."""
    code = "import json, django; django.setup(); from django.conf import settings; "
    code += "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "iseller_accurate.settings",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_postgresql_host_that_does_not_answer_fails_within_seconds_not_minutes() -> None:
    # /readyz's database check must answer before its probe gives up: psycopg gets a connect timeout.
    url = "postgres://app@db.internal:5432/app"
    assert database_options(url) == {"connect_timeout": 5}
    assert database_options(url, DATABASE_CONNECT_TIMEOUT="2") == {"connect_timeout": 2}
    assert database_options(url + "?connect_timeout=9") == {"connect_timeout": 9}
    # The embedded SQLite file waits for its lock instead.
    assert database_options("sqlite:////tmp/app.sqlite3") == {"timeout": 20, "transaction_mode": "IMMEDIATE"}
