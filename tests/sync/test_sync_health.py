"""The "syncing has stopped" banner: when due documents stop moving, the store is told what is
happening and what to do — on the add-on page (inside the status panel), the dashboard and the
activity page.

Stopped: a connected store has documents ready to go, due longer than SYNC_STALLED_AFTER_SECONDS
(10 minutes by default), no worker touched them and nothing reached Accurate meanwhile. Refused:
documents tried and waiting out a retry, first tried longer ago than that, and nothing landed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from mapping.models import AddOn, Connection, OutletMapping
from sync.activity.health import Stall, sync_stall
from sync.models import ProductPush, ProductPushBatch, SyncActivity
from tests.sync.activity_rows import URL, login, make
from tests.sync.engine_helpers import map_outlet

TEN_MINUTES = timedelta(minutes=10)
ACCURATE_DOWN = "Accurate did not answer in time; it will be tried again."


@pytest.fixture(autouse=True)
def language_kept() -> Iterator[None]:
    """A request in Indonesian leaves its language active in this thread: put back the one before."""
    with translation.override(translation.get_language()):
        yield


# --- helpers the other activity tests share ---


def connect(tenant: Any, status: str = Connection.Status.CONNECTED) -> Connection:
    """The store's connection in `status` (no tokens: nothing here calls Accurate)."""
    return Connection.objects.create(
        store=tenant.store,
        status=status,
        database_id=101,
        needs_reconnect_since=timezone.now() if status == Connection.Status.NEEDS_RECONNECT else None,
    )


def activate(*outlets: Any) -> list[OutletMapping]:
    return [map_outlet(outlet) for outlet in outlets]


def due(tenant: Any, order_body: Any, number: str, *, ago: timedelta, outlet: str = "JKT01") -> SyncActivity:
    """A sale released `ago`, never tried."""
    row = make(tenant, order_body, number, outlet=outlet, status="pending", attempts=0)
    SyncActivity.objects.filter(pk=row.pk).update(due_at=timezone.now() - ago)
    row.refresh_from_db()
    return row


def retrying(
    tenant: Any, order_body: Any, number: str, *, first_try_ago: timedelta, reason: str = ACCURATE_DOWN
) -> SyncActivity:
    """A sale tried (3 attempts), first `first_try_ago`, waiting out its backoff (due in 5 minutes)."""
    now = timezone.now()
    row = make(
        tenant, order_body, number, status="pending", started=now - first_try_ago, reason=reason, attempts=3
    )
    SyncActivity.objects.filter(pk=row.pk).update(due_at=now + timedelta(minutes=5), updated_at=now)
    row.refresh_from_db()
    return row


def landed(
    tenant: Any, order_body: Any, number: str, *, ago: timedelta, status: str = "success"
) -> SyncActivity:
    completed = timezone.now() - ago
    return make(tenant, order_body, number, status=status, started=completed, completed=completed, reason="x")


def batch_row(tenant: Any, status: str, *, completed: Any = None) -> SyncActivity:
    """A product push batch's row (one push of one batch) in `status`."""
    connection = Connection.objects.filter(store=tenant.store).first() or connect(tenant)
    push = ProductPush.objects.create(store=tenant.store, connection=connection, batches_total=1)
    batch = ProductPushBatch.objects.create(push=push, position=1, product_ids=[1], status=status)
    return SyncActivity.objects.create(
        store=tenant.store,
        kind="product_push",
        pos_number=f"PUSH-{push.pk}-1/1",
        product_batch=batch,
        status=status,
        completed_at=completed,
    )


@pytest.fixture
def ready(tenant: Any) -> Any:
    """The tenant connected, both outlets active in Accurate."""
    connect(tenant)
    activate(tenant.outlet, tenant.other_outlet)
    return tenant


# --- the detector ---


def test_documents_due_long_ago_with_nothing_landed_mean_the_worker_is_not_running(ready, order_body):
    due(ready, order_body, "ORD-1", ago=timedelta(minutes=11))
    due(ready, order_body, "ORD-2", ago=timedelta(hours=3), outlet="BALI1")
    due(ready, order_body, "ORD-3", ago=timedelta(minutes=9))  # not long enough: not counted
    landed(ready, order_body, "ORD-0", ago=timedelta(minutes=11))  # before the threshold

    assert sync_stall(ready.store) == Stall("stopped", 2, TEN_MINUTES)


def test_documents_retried_for_longer_than_the_threshold_mean_accurate_keeps_failing(ready, order_body):
    retrying(ready, order_body, "ORD-1", first_try_ago=timedelta(minutes=40), reason="Old answer.")
    latest = retrying(ready, order_body, "ORD-2", first_try_ago=timedelta(minutes=12))
    retrying(ready, order_body, "ORD-3", first_try_ago=timedelta(minutes=5))  # first tried lately
    SyncActivity.objects.filter(pk=latest.pk).update(updated_at=timezone.now() + timedelta(seconds=1))

    assert sync_stall(ready.store) == Stall("refused", 2, TEN_MINUTES, ACCURATE_DOWN)


def test_failures_landing_do_not_hide_that_accurate_keeps_refusing(ready, order_body):
    # After a day of retries rows fail; those failures must not make the banner go away.
    retrying(ready, order_body, "ORD-1", first_try_ago=timedelta(hours=2))
    landed(ready, order_body, "ORD-0", ago=timedelta(minutes=1), status="failed")

    assert sync_stall(ready.store) == Stall("refused", 1, TEN_MINUTES, ACCURATE_DOWN)


@pytest.mark.parametrize("status", ["success", "failed"])
def test_nothing_is_stopped_when_a_document_landed_within_the_threshold(ready, order_body, status):
    due(ready, order_body, "ORD-1", ago=timedelta(hours=1))
    landed(ready, order_body, "ORD-0", ago=timedelta(minutes=9), status=status)

    assert sync_stall(ready.store) is None


def test_nothing_is_refused_when_a_document_reached_accurate_within_the_threshold(ready, order_body):
    retrying(ready, order_body, "ORD-1", first_try_ago=timedelta(hours=2))
    landed(ready, order_body, "ORD-0", ago=timedelta(minutes=2))

    assert sync_stall(ready.store) is None


def test_a_product_push_landing_is_not_a_document_landing(ready, order_body):
    due(ready, order_body, "ORD-1", ago=timedelta(hours=1))
    batch_row(ready, "success", completed=timezone.now() - timedelta(minutes=1))

    assert sync_stall(ready.store) == Stall("stopped", 1, TEN_MINUTES)


def test_rows_waiting_for_an_outlet_not_active_in_accurate_are_not_a_stall(tenant, order_body):
    connect(tenant)
    activate(tenant.outlet)
    due(tenant, order_body, "ORD-1", ago=timedelta(hours=1), outlet="BALI1")
    bali = retrying(tenant, order_body, "ORD-2", first_try_ago=timedelta(hours=1))
    SyncActivity.objects.filter(pk=bali.pk).update(outlet=tenant.other_outlet)

    assert sync_stall(tenant.store) is None


def test_rows_held_by_the_schedule_are_not_a_stall(ready, order_body):
    make(ready, order_body, "ORD-1", status="pending", created=timezone.now() - timedelta(days=1), attempts=0)

    assert sync_stall(ready.store) is None


def test_a_refund_waiting_for_its_sale_is_not_a_stall(ready, order_body):
    sale = due(ready, order_body, "ORD-1", ago=timedelta(hours=1))
    SyncActivity.objects.filter(pk=sale.pk).update(
        status="failed", completed_at=timezone.now() - timedelta(hours=1)
    )
    void = SyncActivity.objects.create(
        store=ready.store,
        outlet=ready.outlet,
        kind="order_void",
        pos_number="ORD-1",
        order=sale.order,
        due_at=timezone.now() - timedelta(hours=1),
    )

    assert void.status == "pending"
    assert sync_stall(ready.store) is None


@pytest.mark.parametrize("status", ["disconnected", "choosing_database", "needs_reconnect", None])
def test_a_store_that_is_not_connected_is_not_stalled(tenant, order_body, status):
    if status is not None:
        connect(tenant, status)
    activate(tenant.outlet)
    due(tenant, order_body, "ORD-1", ago=timedelta(hours=1))
    retrying(tenant, order_body, "ORD-2", first_try_ago=timedelta(hours=1))

    assert sync_stall(tenant.store) is None


def test_a_worker_busy_with_the_store_is_not_stopped(ready, order_body):
    due(ready, order_body, "ORD-1", ago=timedelta(hours=1))
    running = make(ready, order_body, "ORD-2", status="running", started=timezone.now())
    SyncActivity.objects.filter(pk=running.pk).update(updated_at=timezone.now() - timedelta(minutes=1))

    assert sync_stall(ready.store) is None


def test_the_threshold_is_a_setting(ready, order_body, settings):
    due(ready, order_body, "ORD-1", ago=timedelta(minutes=30))
    settings.SYNC_STALLED_AFTER_SECONDS = 3600
    assert sync_stall(ready.store) is None
    settings.SYNC_STALLED_AFTER_SECONDS = 120
    assert sync_stall(ready.store) == Stall("stopped", 1, timedelta(minutes=2))


def test_another_stores_stall_is_its_own(ready, outsider, order_body):
    connect(outsider)
    activate(outsider.outlet)
    due(outsider, order_body, "ORD-1", ago=timedelta(hours=1))

    assert sync_stall(ready.store) is None
    assert sync_stall(outsider.store) == Stall("stopped", 1, TEN_MINUTES)


# --- the banner on the pages ---


def banner(html: str) -> str:
    found = re.search(r'<div class="warning banner-stalled"[^>]*>(.*?)</div>', html, re.S)
    assert found, "no banner"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


STOPPED = (
    "Syncing has stopped: 2 documents have been waiting for more than 10 minutes and nothing has "
    "reached Accurate. The background worker or its scheduler is not running: on the embedded run "
    "restart make run ; otherwise ask whoever runs the add-on to check the Celery worker and beat. "
    "Nothing is lost: they are sent once it runs again."
)


def test_the_dashboard_the_add_on_page_and_the_activity_page_say_syncing_has_stopped(
    client, ready, order_body
):
    AddOn.objects.get_or_create(store=ready.store)
    due(ready, order_body, "ORD-1", ago=timedelta(minutes=30))
    due(ready, order_body, "ORD-2", ago=timedelta(minutes=30))
    login(client, ready.staff)

    pages = {path: client.get(path).content.decode() for path in ("/", "/apps/accurate/", URL)}

    assert {path: banner(html) for path, html in pages.items()} == {path: STOPPED for path in pages}
    addon = pages["/apps/accurate/"]
    panel = addon[addon.index('data-testid="panel-activity"') :]
    assert 'data-testid="stalled-banner" data-cause="stopped"' in panel[: panel.index("</section>")]


def test_the_banner_says_accurate_keeps_refusing_with_its_last_answer(client, ready, order_body):
    retrying(ready, order_body, "ORD-1", first_try_ago=timedelta(hours=1))

    html = login(client, ready.owner).get("/").content.decode()

    assert banner(html) == (
        "Accurate keeps refusing or not answering: 1 document has been retried for more than 10 minutes. "
        f"Last answer: {ACCURATE_DOWN} They keep retrying on their own; open the activity page for details."
    )
    assert f'<a href="{URL}">activity page</a>' in html


def test_the_banner_speaks_indonesian(client, ready, order_body, settings):
    retrying(ready, order_body, "ORD-1", first_try_ago=timedelta(hours=1), reason="Accurate sedang sibuk.")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"

    html = login(client, ready.owner).get("/").content.decode()

    assert banner(html) == (
        "Accurate terus menolak atau tidak menjawab: 1 dokumen sudah dicoba ulang selama lebih dari "
        "10 menit. Jawaban terakhir: Accurate sedang sibuk. Dokumen tetap dicoba ulang dengan sendirinya; "
        "buka halaman aktivitas untuk detailnya."
    )


def test_no_banner_while_syncing_moves(client, ready, order_body):
    AddOn.objects.get_or_create(store=ready.store)
    due(ready, order_body, "ORD-1", ago=timedelta(minutes=30))
    landed(ready, order_body, "ORD-0", ago=timedelta(minutes=1))
    login(client, ready.owner)

    for path in ("/", "/apps/accurate/", URL):
        assert 'data-testid="stalled-banner"' not in client.get(path).content.decode(), path


def test_another_stores_stall_shows_on_its_pages_only(client, ready, outsider, order_body):
    connect(outsider)
    activate(outsider.outlet)
    due(outsider, order_body, "ORD-1", ago=timedelta(hours=1))

    assert 'data-testid="stalled-banner"' not in login(client, ready.owner).get("/").content.decode()
    assert 'data-cause="stopped"' in login(client, outsider.owner).get("/").content.decode()
