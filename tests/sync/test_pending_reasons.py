"""Pending rows always say why: on the activity list, the details page and the statuses the list
polls, computed when shown (nothing is written), in a few queries for a whole page.

The store is in Asia/Jakarta; JKT01 and BALI1 are active in Accurate unless a test says otherwise.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from mapping.models import OutletMapping, SyncSettings
from sync.activity.reasons import PendingFacts, Sender, pending_reason
from sync.engine.orphans import WORKER_STOPPED
from sync.models import SyncActivity
from tests.sync.activity_rows import URL, login, make
from tests.sync.test_schedule import adjustment, refund, sale, transfer, void, wib
from tests.sync.test_sync_health import activate, connect

Kind = SyncActivity.Kind

QUEUED = "Queued: it goes with the next push."
SHIFT = "Waiting for the schedule: sales go when their shift closes, or press Sync now."


@pytest.fixture(autouse=True)
def language_kept() -> Iterator[None]:
    """A request in Indonesian leaves its language active in this thread: put back the one before."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def ready(tenant: Any) -> Any:
    connect(tenant)
    activate(tenant.outlet, tenant.other_outlet)
    return tenant


def set_row(row: SyncActivity, **fields: Any) -> SyncActivity:
    SyncActivity.objects.filter(pk=row.pk).update(**fields)
    row.refresh_from_db()
    return row


def listed(client: Any, user: Any) -> dict[int, str]:
    """Activity id → the Reason cell of the list's first page."""
    page = login(client, user).get(URL).content.decode()
    found = re.findall(
        r'<tr data-activity="(\d+)".*?<td class="reason" data-field="reason">(.*?)</td>', page, re.S
    )
    return {int(pk): htmllib.unescape(reason) for pk, reason in found}


def polled(client: Any, user: Any, rows: list[SyncActivity]) -> dict[int, str]:
    ids = ",".join(str(row.pk) for row in rows)
    answer = login(client, user).get(f"{URL}statuses/?ids={ids}").json()
    return {row["id"]: row["reason"] for row in answer["rows"]}


def detailed(client: Any, user: Any, row: SyncActivity) -> str:
    page = login(client, user).get(f"{URL}{row.pk}/").content.decode()
    found = re.search(r'data-testid="reason">(.*?)</dd>', page, re.S)
    assert found
    return htmllib.unescape(found.group(1))


def test_each_kind_of_wait_is_named_on_the_list_the_details_and_the_poll(client, ready, order_body):
    now = timezone.now()
    running = make(ready, order_body, "ORD-RUN", status="running", started=now)
    held = sale(ready.outlet, "O-HELD")
    queued = set_row(sale(ready.outlet, "O-DUE"), due_at=now - timedelta(minutes=1))
    stopped = set_row(
        sale(ready.outlet, "O-STOP"),
        due_at=now - timedelta(minutes=1),
        status_reason=WORKER_STOPPED,
        attempts=1,
    )
    later = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)  # 10:04 in Jakarta
    backoff = set_row(
        sale(ready.outlet, "O-RETRY"), due_at=later, status_reason="Accurate is busy.", attempts=2
    )
    failed = set_row(sale(ready.outlet, "O-FAIL"), status="failed", status_reason="Map payment method QRIS.")
    landed = set_row(sale(ready.outlet, "O-OK"), status="success", completed_at=now)
    returned = set_row(refund(failed, "R-1"), due_at=now)
    voided = set_row(void(landed), due_at=now)
    sent = transfer(ready.outlet, ready.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    received = set_row(
        transfer(ready.outlet, ready.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 10)), due_at=now
    )
    stock = adjustment(ready.outlet, "A-1")
    expected = {
        running.pk: "Sending to Accurate now.",
        held.pk: SHIFT,
        queued.pk: QUEUED,
        stopped.pk: f"{QUEUED} {WORKER_STOPPED}",
        backoff.pk: "Will try again at 10:04: Accurate is busy.",
        failed.pk: "Map payment method QRIS.",
        landed.pk: "",
        returned.pk: "Waiting for its sale O-FAIL, which failed: Map payment method QRIS. Sync that one "
        "again; this one follows by itself.",
        voided.pk: QUEUED,
        sent.pk: "Waiting for the schedule: transfers go every day at 22:00, or press Sync now.",
        received.pk: "Waiting for its transfer sent to be in Accurate first.",
        stock.pk: QUEUED,
    }

    assert listed(client, ready.staff) == expected
    rows = list(SyncActivity.objects.filter(pk__in=expected))
    assert polled(client, ready.staff, rows) == expected
    assert {pk: detailed(client, ready.owner, SyncActivity(pk=pk)) for pk in expected} == expected


def test_a_transfer_received_goes_once_its_transfer_sent_landed(client, ready):
    sent = transfer(ready.outlet, ready.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    received = set_row(
        transfer(ready.outlet, ready.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 10)),
        due_at=timezone.now(),
    )
    set_row(sent, status="success", completed_at=timezone.now())

    assert polled(client, ready.owner, [received]) == {received.pk: QUEUED}


def test_rows_of_an_outlet_not_active_wait_for_it_to_be_activated(client, tenant, order_body):
    connect(tenant)
    activate(tenant.outlet)  # BALI1 (Denpasar) is not active
    bali = make(tenant, order_body, "ORD-B", outlet="BALI1", status="pending", attempts=0)
    # A transfer received at JKT01 (active) from BALI1 (not): the sending end must be active too.
    from_bali = transfer(tenant.other_outlet, tenant.outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 10))
    OutletMapping.objects.filter(outlet=tenant.outlet).update(active=False)
    both = transfer(tenant.other_outlet, tenant.outlet, "T-2", Kind.TRANSFER_IN, created=wib(20, 10))
    OutletMapping.objects.filter(outlet=tenant.outlet).update(active=True)

    reasons = polled(client, tenant.owner, [bali, from_bali])
    OutletMapping.objects.filter(outlet=tenant.outlet).update(active=False)
    both_inactive = polled(client, tenant.owner, [both])

    where = "to be activated in Accurate (Apps → Accurate → Outlet mapping)."
    assert reasons == {
        bali.pk: f"Waiting for outlet BALI1 {where}",
        from_bali.pk: f"Waiting for outlet BALI1 {where}",
    }
    assert both_inactive == {both.pk: f"Waiting for outlets JKT01 and BALI1 {where}"}


@pytest.mark.parametrize(
    ("schedule", "sales", "transfers"),
    [
        ({}, SHIFT, "Waiting for the schedule: transfers go every day at 22:00, or press Sync now."),
        (
            {"sales_on_shift_close": False, "sales_hour": 7, "transfers_auto": False},
            "Waiting for the schedule: sales go every day at 07:00, or press Sync now.",
            "Waiting for you: transfers go only when you press Sync now.",
        ),
        (
            {"sales_on_shift_close": False, "sales_hour": 23, "transfers_hour": 5},
            "Waiting for the schedule: sales go every day at 23:00, or press Sync now.",
            "Waiting for the schedule: transfers go every day at 05:00, or press Sync now.",
        ),
    ],
)
def test_held_rows_say_when_the_schedule_sends_them(client, ready, schedule, sales, transfers):
    if schedule:
        SyncSettings.objects.create(store=ready.store, **schedule)
    held_sale = sale(ready.outlet, "O-1")
    held_refund = refund(set_row(sale(ready.outlet, "O-2"), status="success"), "R-2")
    held_transfer = transfer(ready.outlet, ready.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    assert polled(client, ready.owner, [held_sale, held_refund, held_transfer]) == {
        held_sale.pk: sales,
        held_refund.pk: sales,
        held_transfer.pk: transfers,
    }


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (None, "Waiting for the store to be connected to Accurate (Apps → Accurate → Connect to Accurate)."),
        (
            "choosing_database",
            "Waiting for the store to be connected to Accurate (Apps → Accurate → Connect to Accurate).",
        ),
        ("needs_reconnect", "Paused until the store reconnects to Accurate (Apps → Accurate → Reconnect)."),
    ],
)
def test_rows_of_a_store_that_is_not_connected_wait_for_the_connection(
    client, tenant, order_body, status, reason
):
    if status is not None:
        connect(tenant, status)
    activate(tenant.outlet)
    row = make(tenant, order_body, "ORD-1", status="pending", attempts=0)
    failed = make(tenant, order_body, "ORD-2", status="failed", reason="Map payment method QRIS.")

    assert polled(client, tenant.owner, [row, failed]) == {
        row.pk: reason,
        failed.pk: "Map payment method QRIS.",
    }


def test_showing_the_reasons_writes_nothing(client, ready, order_body):
    rows = [make(ready, order_body, f"ORD-{n}", status="pending", attempts=0) for n in range(3)]
    before = list(SyncActivity.objects.order_by("pk").values_list("pk", "status", "due_at", "updated_at"))

    listed(client, ready.owner)
    polled(client, ready.owner, rows)
    detailed(client, ready.owner, rows[0])

    assert (
        list(SyncActivity.objects.order_by("pk").values_list("pk", "status", "due_at", "updated_at"))
        == before
    )


def test_another_stores_rows_are_absent_from_the_poll_and_404_on_details(client, ready, outsider, order_body):
    theirs = make(outsider, order_body, "ORD-X", status="pending", attempts=0)

    assert polled(client, ready.owner, [theirs]) == {}
    assert login(client, ready.owner).get(f"{URL}{theirs.pk}/").status_code == 404


def page_queries(client: Any, user: Any) -> int:
    login(client, user)
    cache.clear()  # the chart is kept a minute: each page reads it afresh
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_a_page_of_fifty_rows_costs_the_queries_of_a_page_of_a_few(client, ready):
    def rows(first: int, count: int) -> None:
        """Per n: a sale, a void (of a landed sale) or a refund, and a transfer received."""
        for n in range(first, first + count):
            sold = sale(ready.outlet if n % 2 else ready.other_outlet, f"O-{n}")
            if n % 3 == 0:
                set_row(sold, status="success", completed_at=timezone.now())
                set_row(void(sold), due_at=timezone.now())
            elif n % 3 == 1:
                set_row(refund(sold, f"R-{n}"), due_at=timezone.now())
            received = transfer(
                ready.outlet, ready.other_outlet, f"T-{n}", Kind.TRANSFER_IN, created=timezone.now()
            )
            set_row(received, due_at=timezone.now())

    rows(0, 3)
    few = page_queries(client, ready.owner)
    rows(3, 30)
    assert SyncActivity.objects.count() > 80
    # Every kind of row is on both pages: the same reads, whatever the number of rows.
    assert page_queries(client, ready.owner) == few


def test_the_reasons_speak_indonesian(client, ready):
    held = sale(ready.outlet, "O-1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"

    assert polled(client, ready.owner, [held]) == {
        held.pk: "Menunggu jadwal: penjualan dikirim saat shift-nya ditutup, atau tekan Sinkronkan sekarang."
    }


# --- the rule itself, without a database ---


def row(**fields: Any) -> SyncActivity:
    defaults: dict[str, Any] = {"pk": 1, "kind": Kind.ORDER, "status": "pending", "outlet_id": 7}
    return SyncActivity(**{**defaults, **fields})


FACTS = PendingFacts(
    connection_status="connected",
    active_outlets=frozenset({7, 8}),
    senders={30: Sender(9, "DPS01")},
    prerequisites={},
    schedule=SyncSettings(),
    zone=ZoneInfo("Asia/Makassar"),
    now=datetime(2030, 1, 1, 12, 0, tzinfo=UTC),
)


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def test_a_retry_time_is_on_the_stores_clock(english):
    retry = row(due_at=datetime(2030, 1, 1, 12, 30, tzinfo=UTC), status_reason="")
    assert pending_reason(retry, FACTS) == "Will try again at 20:30."


def test_a_due_time_in_the_past_is_queued_whatever_the_attempts(english):
    assert pending_reason(row(due_at=FACTS.now, attempts=5), FACTS) == QUEUED


def test_a_transfer_received_from_an_outlet_not_active_names_the_sender(english):
    received = row(kind=Kind.TRANSFER_IN, transfer_id=30, due_at=FACTS.now)
    assert pending_reason(received, FACTS) == (
        "Waiting for outlet DPS01 to be activated in Accurate (Apps → Accurate → Outlet mapping)."
    )


@pytest.mark.parametrize("kind", [Kind.ORDER, Kind.ORDER_SUMMARY, Kind.REFUND_SUMMARY])
def test_a_row_an_undo_took_back_out_says_what_sends_it_again(english, kind):
    # Held (no due time), as an undo leaves it: the schedule's words would be wrong, Sync now skips it.
    assert pending_reason(row(kind=kind, undone=True, due_at=None), FACTS) == (
        "Taken back out of Accurate by an undo of its dates: it is sent again only with its Sync button, "
        "or with “Sync again” for its dates under Backfill or undo a date range."
    )
