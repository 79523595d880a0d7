"""`/metrics`: off (404) without METRICS_TOKEN; with one, a bearer token is required (401 without,
403 when wrong) and the right one gets Prometheus' text: documents by kind and outcome as the engine
settles them, Accurate's requests by outcome, product pushes, each connection's due backlog and its
oldest due document's age, connections by status. Counters from several processes add up through
PROMETHEUS_MULTIPROC_DIR. Nothing secret in the answer."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accurate.metrics import REQUESTS
from mapping import crypto
from mapping.models import Connection
from outlets.models import Store
from sync.models import AccurateBinding, SyncActivity
from sync.ops.counters import DOCUMENTS, PRODUCT_PUSH_BATCHES, PRODUCT_PUSH_ITEMS
from sync.product_push.services import product_push_start
from tests.sync.engine_helpers import make_ready, post, push, release
from tests.sync.push_helpers import run_to_the_end

BASE_DIR = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-0123456789abcdef0123456789abcdef"
CONNECTIONS_ONE_CONNECTED = [
    'iseller_accurate_connections{status="choosing_database"} 0.0',
    'iseller_accurate_connections{status="connected"} 1.0',
    'iseller_accurate_connections{status="needs_reconnect"} 0.0',
    'iseller_accurate_connections{status="disconnected"} 0.0',
]


@pytest.fixture(autouse=True)
def metrics_on(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN


@pytest.fixture
def fresh_counters() -> None:
    """The counters live as long as the test process: each test that reads them starts at zero."""
    for counter in (DOCUMENTS, REQUESTS, PRODUCT_PUSH_BATCHES, PRODUCT_PUSH_ITEMS):
        counter.clear()


def scrape(token: str = TOKEN) -> Any:
    return Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


def lines_of(body: bytes, *families: str) -> list[str]:
    """The sample lines of the given families, in the order of the answer."""
    return [
        line
        for line in body.decode().splitlines()
        if not line.startswith("#") and line.split("{")[0].split(" ")[0] in families
    ]


def test_without_a_token_configured_metrics_are_off(settings):
    settings.METRICS_TOKEN = ""

    assert Client().get("/metrics").status_code == 404
    assert scrape("anything").status_code == 404


def test_without_a_bearer_token_it_is_401_saying_which_scheme():
    for headers in ({}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer "}):
        answer = Client().get("/metrics", headers=headers)

        assert (answer.status_code, answer["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
        assert b"iseller_accurate" not in answer.content


def test_a_wrong_token_is_403():
    for wrong in (TOKEN[:-1], TOKEN + "0", TOKEN.upper(), "metrics-tökén"):
        answer = scrape(wrong)

        assert answer.status_code == 403
        assert answer.content == b"wrong token\n"


def test_prometheus_scrapes_a_web_process_by_its_address_over_plain_http(settings, db):
    """SECURE_SSL_REDIRECT on, an address ALLOWED_HOSTS does not list: as Prometheus scrapes each host."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["backoffice.example.com"]

    answer = Client().get("/metrics", HTTP_HOST="10.0.0.7:8000", headers={"Authorization": f"Bearer {TOKEN}"})

    assert answer.status_code == 200
    assert b"# TYPE iseller_accurate_connections gauge" in answer.content
    assert Client().post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_the_right_token_gets_exact_lines_after_a_synced_and_a_failed_document(
    tenant, connected, accurate_at, order_body, fresh_counters
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", payments=[{"method": "e_wallet", "amount": "41800"}]))
    release(tenant)
    REQUESTS.clear()
    requests_before = accurate_at.inspect()["counters"]["requests"]

    push(connected)

    sent = accurate_at.inspect()["counters"]["requests"] - requests_before
    answer = scrape()
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain; version=1.0.0; charset=utf-8"
    assert dict(SyncActivity.objects.values_list("pos_number", "status")) == {
        "ORD-1": "success",
        "ORD-2": "failed",
    }
    assert lines_of(answer.content, "iseller_accurate_sync_documents_total") == [
        'iseller_accurate_sync_documents_total{kind="order",outcome="success"} 1.0',
        'iseller_accurate_sync_documents_total{kind="order",outcome="failed"} 1.0',
    ]
    assert sent == 2  # the invoice and its receipt; ORD-2 failed before anything was sent
    assert lines_of(answer.content, "iseller_accurate_requests_total") == [
        'iseller_accurate_requests_total{outcome="ok"} 2.0'
    ]
    assert lines_of(
        answer.content,
        "iseller_accurate_sync_backlog_documents",
        "iseller_accurate_sync_backlog_oldest_seconds",
        "iseller_accurate_sync_totals_unread_documents",
        "iseller_accurate_connections",
    ) == [
        'iseller_accurate_sync_backlog_documents{store="kopi"} 0.0',
        'iseller_accurate_sync_backlog_oldest_seconds{store="kopi"} 0.0',
        'iseller_accurate_sync_totals_unread_documents{store="kopi"} 0.0',
        *CONNECTIONS_ONE_CONNECTED,
    ]
    text = answer.content.decode()
    for family, kind in (
        ("iseller_accurate_sync_documents_total", "counter"),
        ("iseller_accurate_requests_total", "counter"),
        ("iseller_accurate_request_duration_seconds", "histogram"),
        ("iseller_accurate_rate_limited_total", "counter"),
        ("iseller_accurate_rate_limiter_wait_seconds", "histogram"),
        ("iseller_accurate_product_push_batches_total", "counter"),
        ("iseller_accurate_product_push_items_total", "counter"),
        ("iseller_accurate_sync_backlog_documents", "gauge"),
        ("iseller_accurate_sync_backlog_oldest_seconds", "gauge"),
        ("iseller_accurate_sync_totals_unread_documents", "gauge"),
        ("iseller_accurate_connections", "gauge"),
    ):
        assert f"# TYPE {family} {kind}\n" in text, family
    # Nothing secret: not the scrape's token, nor the connection's tokens or session.
    connection = Connection.objects.get(pk=connected.pk)
    for secret in (
        TOKEN,
        crypto.decrypt(connection.access_token_encrypted),
        crypto.decrypt(connection.refresh_token_encrypted),
        crypto.decrypt(connection.session_encrypted),
    ):
        assert secret not in text


def test_product_pushes_count_their_batches_and_items(tenant, connected, accurate_at, fresh_counters):
    make_ready(tenant, connected, items=False)
    pushed = product_push_start(store=tenant.store, user=tenant.owner)

    run_to_the_end(pushed)

    families = ("iseller_accurate_product_push_batches_total", "iseller_accurate_product_push_items_total")
    assert lines_of(scrape().content, *families) == [
        'iseller_accurate_product_push_batches_total{outcome="success"} 1.0',
        'iseller_accurate_product_push_items_total{outcome="created"} 3.0',
    ]


def due_rows(tenant: Any, order_body: Any, numbers: list[str]) -> None:
    for number in numbers:
        post(tenant, "orders/", order_body(number))


@pytest.mark.embedded  # an aggregate over datetimes: SQLite hands them back otherwise
def test_each_watched_connection_has_its_backlog_and_oldest_due_age(
    tenant, outsider, order_body, monkeypatch, db
):
    Connection.objects.create(store=tenant.store, status=Connection.Status.CONNECTED, database_id=101)
    Connection.objects.create(store=outsider.store, status=Connection.Status.NEEDS_RECONNECT, database_id=102)
    gone = Store.objects.create(name="Toko Tutup", slug="tutup")
    Connection.objects.create(store=gone, status=Connection.Status.DISCONNECTED)
    due_rows(tenant, order_body, ["ORD-1", "ORD-2", "ORD-3", "ORD-4"])
    due_rows(outsider, order_body, ["ORD-9"])
    now = timezone.now().replace(microsecond=0)
    rows = SyncActivity.objects.filter(store=tenant.store)
    rows.filter(pos_number="ORD-1").update(due_at=now - timedelta(seconds=754.5))
    rows.filter(pos_number="ORD-2").update(due_at=now - timedelta(seconds=30))
    rows.filter(pos_number="ORD-3").update(due_at=now + timedelta(seconds=30))  # backing off: not due
    # ORD-4 is held by the schedule (no due time): not due either.
    SyncActivity.objects.filter(store=outsider.store).update(due_at=now - timedelta(seconds=3600))
    # Two of kopi's documents in Accurate wait for their totals to be read back; one is read.
    for accurate_id, unread in ((1, Decimal("22200.00")), (2, Decimal("15000.50")), (3, None)):
        AccurateBinding.objects.create(
            store=tenant.store,
            database_id=101,
            module="sales-invoice",
            number=f"K-{accurate_id}",
            accurate_id=accurate_id,
            unchecked_total=unread,
        )
    monkeypatch.setattr("sync.ops.backlog.timezone.now", lambda: now)

    answer = scrape()

    families = (
        "iseller_accurate_sync_backlog_documents",
        "iseller_accurate_sync_backlog_oldest_seconds",
        "iseller_accurate_sync_totals_unread_documents",
        "iseller_accurate_connections",
    )
    assert lines_of(answer.content, *families) == [
        'iseller_accurate_sync_backlog_documents{store="kopi"} 2.0',
        'iseller_accurate_sync_backlog_documents{store="roti"} 1.0',
        'iseller_accurate_sync_backlog_oldest_seconds{store="kopi"} 754.5',
        'iseller_accurate_sync_backlog_oldest_seconds{store="roti"} 3600.0',
        'iseller_accurate_sync_totals_unread_documents{store="kopi"} 2.0',
        'iseller_accurate_sync_totals_unread_documents{store="roti"} 0.0',
        'iseller_accurate_connections{status="choosing_database"} 0.0',
        'iseller_accurate_connections{status="connected"} 1.0',
        'iseller_accurate_connections{status="needs_reconnect"} 1.0',
        'iseller_accurate_connections{status="disconnected"} 1.0',
    ]


COUNT_IN_A_PROCESS = """
from accurate.metrics import request_observe
from sync.ops.counters import DOCUMENTS
request_observe("ok", 0.2)
request_observe("5xx", 3.0)
DOCUMENTS.labels("order", "success").inc(5)
"""


def test_counters_of_several_processes_add_up_in_multiprocess_mode(tmp_path, monkeypatch, db):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for _ in range(2):  # two worker processes, say
        subprocess.run(
            [sys.executable, "-c", COUNT_IN_A_PROCESS], cwd=BASE_DIR, env=env, check=True, timeout=60
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    body = scrape().content

    # The files are read in no set order: the lines are compared sorted.
    assert sorted(
        lines_of(
            body,
            "iseller_accurate_requests_total",
            "iseller_accurate_sync_documents_total",
            "iseller_accurate_request_duration_seconds_count",
            "iseller_accurate_request_duration_seconds_sum",
        )
    ) == [
        "iseller_accurate_request_duration_seconds_count 4.0",
        "iseller_accurate_request_duration_seconds_sum 6.4",
        'iseller_accurate_requests_total{outcome="5xx"} 2.0',
        'iseller_accurate_requests_total{outcome="ok"} 2.0',
        'iseller_accurate_sync_documents_total{kind="order",outcome="success"} 10.0',
    ]
    assert 'iseller_accurate_request_duration_seconds_bucket{le="0.25"} 2.0' in body.decode()
