"""The daily reconciliation against the live sandbox: an outlet's local day at the POS beside what
Accurate holds for its branch and date, document by document, as the task runs it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accurate import Filter
from mapping.models import OutletMapping
from mapping.services.credentials import accurate_client_for
from sync.reconcile import services
from sync.reconcile.accurate_side import CountingSeam
from sync.reconcile.models import Reconciliation
from sync.reconcile.services import reconciliation_queue, reconciliation_run
from tests.sync.engine_helpers import make_ready as engine_ready
from tests.sync.engine_helpers import post, push, release

DAY = date(2026, 11, 20)
REFUND = {
    "number": "R-1",
    "order": "ORD-1",
    "refunded_at": "2026-11-20T12:00:00+07:00",
    "total": "10000",
    "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
}
TRANSFER = {
    "number": "T-1",
    "to_outlet": "BALI1",
    "sent_at": "2026-11-20T08:00:00+07:00",
    "lines": [{"product": "P1", "quantity": "5"}, {"product": "P2", "quantity": "2.5"}],
}
ADJUSTMENT = {
    "number": "A-1",
    "adjusted_at": "2026-11-20T08:00:00+07:00",
    "reason": "Barang rusak",
    "lines": [
        {"product": "P1", "quantity": "-2", "unit_cost": "4000"},
        {"product": "P2", "quantity": "3", "unit_cost": "8000"},
    ],
}
STOCK_TAKE = {
    "number": "ST-1",
    "counted_at": "2026-11-20T21:00:00+07:00",
    "lines": [{"product": "P1", "counted_quantity": "12"}],
}
DEPOSIT = {
    "number": "D-1",
    "kind": "customer_deposit",
    "received_at": "2026-11-20T09:00:00+07:00",
    "amount": "500000",
    "payment_method": "cash",
    "customer_name": "Budi",
}


def make_ready(tenant: Any, connection: Any) -> Any:
    """The engine tests' store, with the refund account a refund's money out needs (seeded 1201)."""
    ready = engine_ready(tenant, connection)
    OutletMapping.objects.filter(outlet__store=tenant.store).update(refund_account_no="1201")
    return ready


def synced(connection: Any, tenant: Any) -> None:
    """Everything the store recorded pushed to Accurate, the waiting ones (a refund after its sale,
    a transfer received after its transfer sent) in the next rounds."""
    for _ in range(3):
        release(tenant)
        push(connection)


def check(outlet: Any, day: date = DAY) -> Reconciliation:
    """Queue the outlet's day as Check now does, then run it as the task does."""
    row_id = reconciliation_queue(store_id=outlet.store_id, outlet_id=outlet.pk, day=day, now=timezone.now())
    assert row_id is not None
    reconciliation_run(reconciliation_id=row_id)
    return Reconciliation.objects.get(pk=row_id)


def differences(row: Reconciliation) -> list[tuple[Any, ...]]:
    return [
        (d.kind, d.number, d.pos_number, d.pos_amount, d.accurate_amount)
        for d in row.differences.order_by("position")
    ]


def a_day(tenant: Any, order_body: Any) -> None:
    """JKT01's 20 November: two sales (one paid by two methods), a refund, a deposit, a transfer sent,
    an adjustment and a stock take; the transfer received at BALI1 on its 21st (WITA)."""
    post(tenant, "orders/", order_body("ORD-1"))
    split = [{"method": "cash", "amount": "20000"}, {"method": "qris", "amount": "21800"}]
    post(tenant, "orders/", order_body("ORD-2", ordered_at="2026-11-20T19:00:00+07:00", payments=split))
    post(tenant, "refunds/", REFUND)
    post(tenant, "deposits/", DEPOSIT)
    post(tenant, "transfers/", TRANSFER)
    post(tenant, "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, expect=200)
    post(tenant, "adjustments/", ADJUSTMENT)
    post(tenant, "stock-takes/", STOCK_TAKE)


def deposit_id(sandbox: Any, number: str = "JKT01-D-1") -> int:
    return next(int(d["id"]) for d in sandbox.documents("other-deposit") if d["number"] == number)


def test_a_day_synced_whole_matches_to_the_rupiah_and_the_item(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)

    row = check(tenant.outlet)

    assert (row.status, row.differences_count, row.accurate_only_count, row.unsynced_count) == (
        "matched",
        0,
        0,
        0,
    )
    assert (
        row.pos_figures
        == row.accurate_figures
        == {
            "sales": {"count": 2, "total": "83600.00"},
            "receipts": {
                "cash": {"count": 2, "total": "61800.00"},
                "qris": {"count": 1, "total": "21800.00"},
            },
            "returns": {"count": 1, "total": "10000.00"},
            "deposits": {"count": 1, "total": "500000.00"},
            "money_out": {"cash": {"count": 1, "total": "10000.00"}},  # R-1's JKT01-R-1-OUT
            "transfers_out": {"SKU-1": "5", "SKU-2": "2.5"},
            "transfers_in": {},
            "adjustments": {"SKU-1": "-2", "SKU-2": "3"},
            "stock_takes": 1,
        }
    )
    assert (row.error, row.retry_at, row.claimed_by) == ("", None, "")
    assert row.checked_at is not None


def test_a_check_costs_one_list_call_per_module_and_page(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    before = accurate_at.inspect()["counters"]["requests"]

    row = check(tenant.outlet)

    # sales-invoice, sales-receipt, sales-return, other-deposit, other-payment, item-transfer,
    # item-adjustment: one page each, the lines of stock documents coming with the list.
    assert row.requests == 7
    assert accurate_at.inspect()["counters"]["requests"] - before == 7


def test_a_day_with_more_than_a_page_reads_every_page(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    orders = [order_body(f"ORD-{n:03d}", ordered_at="2026-11-20T10:00:00+07:00") for n in range(101)]
    answer = tenant.api().post("/api/v1/outlets/JKT01/orders/batch/", {"orders": orders}, format="json")
    assert answer.status_code in (200, 201, 207), answer.content
    synced(connected, tenant)

    row = check(tenant.outlet)

    assert (row.status, row.pos_figures["sales"]) == ("matched", {"count": 101, "total": "4221800.00"})
    assert row.requests == 9  # invoices and receipts two pages each, five modules one page


def test_a_document_deleted_in_accurate_is_missing_there_and_links_to_its_sync(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    accurate_client_for(connected).delete("other-deposit", deposit_id(accurate_at))

    row = check(tenant.outlet)

    assert (row.status, row.differences_count) == ("differences", 1)
    assert differences(row) == [("missing_in_accurate", "JKT01-D-1", "D-1", Decimal("500000.00"), None)]
    found = row.differences.select_related("activity").get()
    assert found.activity is not None
    assert (found.activity.kind, found.activity.pos_number, found.module) == (
        "deposit",
        "D-1",
        "other-deposit",
    )
    assert row.accurate_figures["deposits"] == {"count": 0, "total": "0.00"}


def test_an_amount_changed_in_accurate_differs_with_both_amounts(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    accurate_client_for(connected).save(
        "other-deposit",
        {
            "id": deposit_id(accurate_at),
            "detailAccount": [{"accountNo": "2104", "amount": Decimal("450000")}],
        },
    )

    row = check(tenant.outlet)

    assert differences(row) == [
        ("amount_differs", "JKT01-D-1", "D-1", Decimal("500000.00"), Decimal("450000.00"))
    ]
    assert row.differences.get().accurate_id == deposit_id(accurate_at)
    assert (row.pos_figures["deposits"]["total"], row.accurate_figures["deposits"]["total"]) == (
        "500000.00",
        "450000.00",
    )


def test_a_document_keyed_in_accurate_with_the_outlets_prefix_is_listed_apart_and_others_are_ignored(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    client = accurate_client_for(connected)
    for number in ("JKT01-KAS-9", "KAS-001"):
        client.save(
            "other-deposit",
            {
                "number": number,
                "transDate": DAY,
                "bankNo": "1101",
                "branchName": "Pusat",
                "detailAccount": [{"accountNo": "2104", "amount": Decimal("1000")}],
            },
        )

    row = check(tenant.outlet)

    assert (row.status, row.differences_count, row.accurate_only_count) == ("matched", 0, 1)
    assert differences(row) == [("accurate_only", "JKT01-KAS-9", "", None, Decimal("1000.00"))]
    assert row.accurate_figures["deposits"] == {"count": 1, "total": "500000.00"}


def test_a_sale_voided_at_the_pos_but_still_in_accurate_is_not_at_the_pos(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    synced(connected, tenant)
    # Voided at the POS after it landed; its void has not reached Accurate yet.
    post(tenant, "orders/ORD-1/void/", {"voided_at": "2026-11-20T10:30:00+07:00"}, expect=200)

    row = check(tenant.outlet)

    assert [(d.kind, d.number, d.note) for d in row.differences.all()] == [
        ("missing_at_pos", "JKT01-ORD-1", "voided"),
        ("missing_at_pos", "JKT01-ORD-1-CASH", "voided"),
    ]
    assert {d.activity.kind if d.activity else None for d in row.differences.all()} == {"order"}


def test_the_outlets_day_is_its_local_day_at_wita(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    # 00:30 on the 21st in Denpasar is still the 20th in Jakarta: it belongs to BALI1's 21st.
    post(tenant, "orders/", order_body("B-1", ordered_at="2026-11-21T00:30:00+08:00"), outlet="BALI1")
    post(tenant, "transfers/", TRANSFER)
    post(tenant, "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, expect=200)
    synced(connected, tenant)

    on_21st, on_20th = check(tenant.other_outlet, date(2026, 11, 21)), check(tenant.other_outlet, DAY)

    assert (on_21st.status, on_21st.pos_figures["sales"]) == ("matched", {"count": 1, "total": "41800.00"})
    assert on_21st.accurate_figures["transfers_in"] == {"SKU-1": "5", "SKU-2": "2.5"}
    assert (on_20th.status, on_20th.pos_figures["sales"], on_20th.pos_figures["transfers_in"]) == (
        "matched",
        {"count": 0, "total": "0.00"},
        {},
    )


def test_another_outlets_day_in_the_same_branch_is_not_mixed_in(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    OutletMapping.objects.filter(outlet=tenant.other_outlet).update(branch_name="Pusat")
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("B-1", ordered_at="2026-11-20T12:00:00+08:00"), outlet="BALI1")
    synced(connected, tenant)

    jakarta, bali = check(tenant.outlet), check(tenant.other_outlet)

    for row, number in ((jakarta, "ORD-1"), (bali, "B-1")):
        assert (row.status, row.accurate_only_count) == ("matched", 0)
        assert row.accurate_figures["sales"] == {"count": 1, "total": "41800.00"}, number


def test_a_check_run_twice_replaces_its_result(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    client = accurate_client_for(connected)
    client.delete("other-deposit", deposit_id(accurate_at))
    first = check(tenant.outlet)
    assert (first.status, first.differences.count()) == ("differences", 1)
    post(tenant, "deposits/", {**DEPOSIT, "number": "D-2"})
    synced(connected, tenant)

    again = check(tenant.outlet)

    assert again.pk == first.pk
    assert Reconciliation.objects.count() == 1
    assert differences(again) == [("missing_in_accurate", "JKT01-D-1", "D-1", Decimal("500000.00"), None)]
    assert again.pos_figures["deposits"] == {"count": 2, "total": "1000000.00"}
    assert again.checked_at and first.checked_at and again.checked_at > first.checked_at


def test_a_run_that_finds_its_check_taken_or_done_changes_nothing(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    row = check(tenant.outlet)
    before = accurate_at.inspect()["counters"]["requests"]

    assert reconciliation_run(reconciliation_id=row.pk) == "skipped"
    assert accurate_at.inspect()["counters"]["requests"] == before
    assert reconciliation_queue(
        store_id=tenant.store.pk, outlet_id=tenant.outlet.pk, day=DAY, now=timezone.now()
    )
    assert (
        reconciliation_queue(
            store_id=tenant.store.pk, outlet_id=tenant.outlet.pk, day=DAY, now=timezone.now()
        )
        is None
    )  # already Checking: a double click queues it once


def test_accurate_failing_half_way_records_the_failure_and_nothing_of_the_day(
    tenant, connected, accurate_at, order_body, monkeypatch
):
    make_ready(tenant, connected)
    a_day(tenant, order_body)
    synced(connected, tenant)
    accurate_client_for(connected).delete("other-deposit", deposit_id(accurate_at))
    first = check(tenant.outlet)
    assert first.differences.count() == 1

    class FailsThird(CountingSeam):
        def send(self, method: str, url: str, **kwargs: Any) -> Any:
            if self.sent == 2:
                accurate_at.faults(fail_next=1)  # the third list call gets a 503 from the sandbox
            return super().send(method, url, **kwargs)

    monkeypatch.setattr(services, "CountingSeam", FailsThird)
    row = check(tenant.outlet)

    assert (row.status, row.requests, row.attempts) == ("failed", 3, 1)
    assert row.error == "Accurate could not be reached; the sync will try again."
    assert row.retry_at and row.checked_at and row.retry_at - row.checked_at == timedelta(minutes=5)
    assert (row.pos_figures, row.accurate_figures, row.differences_count) == ({}, {}, 0)
    assert row.differences.count() == 0


def test_a_store_no_longer_connected_fails_the_check_to_be_tried_after_reconnecting(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    connected.__class__.objects.filter(pk=connected.pk).update(status="needs_reconnect")

    row = check(tenant.outlet)

    assert (row.status, row.error, row.requests) == ("failed", "The store is not connected to Accurate.", 0)
    assert row.retry_at is not None


def test_the_sandbox_filters_list_do_by_date_and_branch_so_a_check_reads_only_its_day(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", ordered_at="2026-11-21T10:15:00+07:00"))
    post(tenant, "orders/", order_body("B-1", ordered_at="2026-11-20T10:15:00+08:00"), outlet="BALI1")
    synced(connected, tenant)
    client = accurate_client_for(connected)

    rows = client.list(
        "sales-invoice",
        ("number", "transDate", "branchName"),
        {"transDate": Filter.equal(DAY), "branchName": Filter.equal("Pusat")},
    )

    assert [(r["number"], r["transDate"], r["branchName"]) for r in rows] == [
        ("JKT01-ORD-1", "20/11/2026", "Pusat")
    ]
