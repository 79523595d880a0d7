"""Refunds, transfers, adjustments, stock takes, deposits and voids through the engine, against the
live sandbox: each lands once, in order (the invoice before its return, the transfer out before in)."""

from __future__ import annotations

from decimal import Decimal

from sync.models import AccurateBinding, SyncActivity
from tests.sync.engine_helpers import make_ready, post, push, release

REFUND = {
    "number": "R-1",
    "order": "ORD-1",
    "refunded_at": "2026-11-21T09:00:00+07:00",
    "reason": "Rusak",
    "total": "10000",
    "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
}
TRANSFER = {
    "number": "T-1",
    "to_outlet": "BALI1",
    "sent_at": "2026-11-20T08:00:00+07:00",
    "lines": [{"product": "P1", "quantity": "5"}, {"product": "P2", "quantity": "2.5"}],
}


def statuses():
    return {(a.kind, a.pos_number): a.status for a in SyncActivity.objects.all()}


def test_a_refund_waits_for_its_invoice_then_becomes_a_sales_return(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "refunds/", REFUND)
    order_row = SyncActivity.objects.get(kind="order")
    # Only the refund is released: it must wait for the sale's invoice.
    SyncActivity.objects.filter(kind="refund").update(due_at=order_row.created_at)

    push(connected)

    refund_row = SyncActivity.objects.get(kind="refund")
    assert (refund_row.status, refund_row.attempts) == ("pending", 0)  # not claimed: nothing spent
    assert accurate_at.documents("sales-return") == []
    release(tenant)
    push(connected)

    assert statuses() == {("order", "ORD-1"): "success", ("refund", "R-1"): "success"}
    returns = accurate_at.documents("sales-return")
    assert [(r["number"], r["invoiceNumber"]) for r in returns] == [("JKT01-R-1", "JKT01-ORD-1")]


def test_a_transfer_goes_out_to_transit_then_in_from_it_linked(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    post(tenant, "transfers/", TRANSFER)
    post(tenant, "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, expect=200)
    release(tenant)

    push(connected)
    SyncActivity.objects.filter(status="pending").update(
        due_at=SyncActivity.objects.get(kind="transfer_out").created_at
    )
    push(connected)

    assert statuses() == {("transfer_out", "T-1"): "success", ("transfer_in", "T-1"): "success"}
    transfers = {t["number"]: t for t in accurate_at.documents("item-transfer")}
    out, into = transfers["JKT01-T-1-OUT"], transfers["JKT01-T-1-IN"]
    assert (out["itemTransferType"], out["warehouseName"], out["referenceWarehouseName"]) == (
        "TRANSFER_OUT",
        "Gudang Utama",
        "Transit",
    )
    assert (into["itemTransferType"], into["warehouseName"], into["fromItemTransferNo"]) == (
        "TRANSFER_IN",
        "Gudang Bali",
        "JKT01-T-1-OUT",
    )
    assert into["transDate"] == "21/11/2026"


def test_adjustments_stock_takes_and_deposits_go_as_they_arrive(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    post(
        tenant,
        "adjustments/",
        {
            "number": "A-1",
            "adjusted_at": "2026-11-20T08:00:00+07:00",
            "reason": "Barang rusak",
            "lines": [
                {"product": "P1", "quantity": "-2", "unit_cost": "4000"},
                {"product": "P2", "quantity": "3", "unit_cost": "8000"},
            ],
        },
    )
    post(
        tenant,
        "stock-takes/",
        {
            "number": "ST-1",
            "counted_at": "2026-11-20T20:00:00+07:00",
            "lines": [
                {"product": "P1", "counted_quantity": "12"},
                {"product": "P2", "counted_quantity": "0"},
            ],
        },
    )
    post(
        tenant,
        "deposits/",
        {
            "number": "D-1",
            "kind": "customer_deposit",
            "received_at": "2026-11-20T08:00:00+07:00",
            "amount": "500000",
            "payment_method": "cash",
            "customer_name": "Budi",
        },
    )

    push(connected)  # no release: these kinds are due when they arrive

    assert statuses() == {
        ("adjustment", "A-1"): "success",
        ("stock_take", "ST-1"): "success",
        ("deposit", "D-1"): "success",
    }
    adjustments = {a["number"]: a for a in accurate_at.documents("item-adjustment")}
    assert sorted(adjustments) == ["JKT01-A-1", "JKT01-ST-1-ST"]
    assert [
        (line["itemNo"], line["itemAdjustmentType"]) for line in adjustments["JKT01-A-1"]["detailItem"]
    ] == [
        ("SKU-1", "ADJUSTMENT_OUT"),
        ("SKU-2", "ADJUSTMENT_IN"),
    ]
    stock = accurate_at.inspect()["stock"]
    assert stock, "the sandbox reports stock"
    deposits = accurate_at.documents("other-deposit")
    assert [(d["number"], d["bankNo"], Decimal(str(d["totalAmount"]))) for d in deposits] == [
        ("JKT01-D-1", "1101", Decimal("500000"))
    ]


def test_a_stock_take_sent_twice_counts_once(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    post(
        tenant,
        "stock-takes/",
        {
            "number": "ST-2",
            "counted_at": "2026-11-20T20:00:00+07:00",
            "lines": [{"product": "P1", "counted_quantity": "7"}],
        },
    )
    accurate_at.faults(drop_next=1)  # saved, but the answer is lost

    push(connected)
    release(tenant)
    push(connected)

    assert statuses() == {("stock_take", "ST-2"): "success"}
    assert [a["number"] for a in accurate_at.documents("item-adjustment")] == ["JKT01-ST-2-ST"]


def test_a_sale_voided_after_it_synced_is_taken_out_of_accurate(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)
    push(connected)
    post(tenant, "orders/ORD-1/void/", {"voided_at": "2026-11-20T18:00:00+07:00"}, expect=200)
    release(tenant)

    push(connected)

    assert statuses() == {("order", "ORD-1"): "success", ("order_void", "ORD-1"): "success"}
    assert accurate_at.documents("sales-invoice") == []
    assert accurate_at.documents("sales-receipt") == []
    assert AccurateBinding.objects.count() == 0


def test_a_connection_that_needs_reconnecting_pauses_without_failing(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)
    connected.status = "needs_reconnect"
    connected.save(update_fields=["status"])

    assert push(connected).batches == 0

    activity = SyncActivity.objects.get()
    assert (activity.status, activity.attempts) == ("pending", 0)


def test_a_token_accurate_refuses_pauses_the_rows_and_the_connection(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)
    accurate_at.token()  # the same Accurate user authorizes another app: our tokens die

    push(connected)

    activity = SyncActivity.objects.get()
    connected.refresh_from_db()
    assert connected.status == "needs_reconnect"
    assert activity.status == "pending"
    assert activity.status_reason.startswith("Paused: the connection to Accurate needs reconnecting.")
    assert accurate_at.documents("sales-invoice") == []
