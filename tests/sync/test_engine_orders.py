"""The engine pushes sales against the live sandbox: invoices and receipts exactly once, totals to the
rupiah, and every try recorded."""

from __future__ import annotations

from decimal import Decimal

from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from sync.product_push.services import product_push_start
from tests.sync.engine_helpers import make_ready, post, push, release, total
from tests.sync.push_helpers import run_to_the_end


def by_number(sandbox, module):
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def test_an_order_becomes_an_invoice_and_a_receipt_with_the_pos_total(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)

    result = push(connected)

    assert result.batches == 1
    invoices = by_number(accurate_at, "sales-invoice")
    receipts = by_number(accurate_at, "sales-receipt")
    assert list(invoices) == ["JKT01-ORD-1"]
    assert list(receipts) == ["JKT01-ORD-1-CASH"]
    assert total(invoices["JKT01-ORD-1"]) == Decimal("41800")
    assert Decimal(str(receipts["JKT01-ORD-1-CASH"]["chequeAmount"])) == Decimal("41800")
    assert receipts["JKT01-ORD-1-CASH"]["bankNo"] == "1101"
    activity = SyncActivity.objects.get(store=tenant.store)
    assert (activity.status, activity.status_reason, activity.accurate_number, activity.attempts) == (
        "success",
        "",
        "JKT01-ORD-1",
        1,
    )
    assert activity.accurate_id == invoices["JKT01-ORD-1"]["id"]
    assert activity.completed_at is not None and activity.due_at is None
    assert sorted(AccurateBinding.objects.values_list("module", "number", "accurate_id")) == [
        ("sales-invoice", "JKT01-ORD-1", invoices["JKT01-ORD-1"]["id"]),
        ("sales-receipt", "JKT01-ORD-1-CASH", receipts["JKT01-ORD-1-CASH"]["id"]),
    ]
    attempt = SyncAttempt.objects.get(activity=activity)
    assert attempt.outcome == "success"
    assert [(s["module"], s["action"], s["number"]) for s in attempt.sent] == [
        ("sales-invoice", "bulk-save", "JKT01-ORD-1"),
        ("sales-receipt", "bulk-save", "JKT01-ORD-1-CASH"),
    ]
    assert [(a["number"], a["ok"]) for a in attempt.answered] == [
        ("JKT01-ORD-1", True),
        ("JKT01-ORD-1-CASH", True),
    ]


def test_a_split_payment_gives_a_receipt_per_method_into_its_account(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    payments = [
        {"method": "cash", "amount": "20000"},
        {"method": "qris", "amount": "11800"},
        {"method": "cash", "amount": "10000"},
    ]
    post(tenant, "orders/", order_body("ORD-2", payments=payments))
    release(tenant)

    push(connected)

    receipts = by_number(accurate_at, "sales-receipt")
    assert {n: (r["bankNo"], Decimal(str(r["chequeAmount"]))) for n, r in receipts.items()} == {
        "JKT01-ORD-2-CASH": ("1101", Decimal("30000")),
        "JKT01-ORD-2-QRIS": ("1102", Decimal("11800")),
    }


def test_held_orders_are_not_pushed_until_released(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-3"))

    assert push(connected).batches == 0
    assert accurate_at.documents("sales-invoice") == []
    assert SyncActivity.objects.get().status == "pending"


def test_an_unknown_sku_fails_its_order_alone_and_names_the_item(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    tenant.products[2].__class__.objects.filter(pk=tenant.products[2].pk).update(sku="SKU-NEW")
    bad = {"product": "P3", "quantity": "1", "unit_price": "30000"}
    post(tenant, "orders/", order_body("ORD-4"))
    post(
        tenant,
        "orders/",
        order_body(
            "ORD-5", lines=[bad], tax="0", total="30000", payments=[{"method": "cash", "amount": "30000"}]
        ),
    )
    post(tenant, "orders/", order_body("ORD-6"))
    release(tenant)

    push(connected)

    rows = {a.pos_number: a for a in SyncActivity.objects.all()}
    assert {n: (a.status, a.failure_cause) for n, a in rows.items()} == {
        "ORD-4": ("success", ""),
        "ORD-5": ("failed", "missing_item"),
        "ORD-6": ("success", ""),
    }
    assert rows["ORD-5"].status_reason.startswith(
        "Item SKU-NEW is not in Accurate. Push products (Apps → Accurate → Product mapping): sales waiting "
        "for an item go again by themselves when the push ends. If you import items into Accurate "
        "instead, press Sync afterwards. Accurate said: "
    )
    assert sorted(by_number(accurate_at, "sales-invoice")) == ["JKT01-ORD-4", "JKT01-ORD-6"]
    assert sorted(by_number(accurate_at, "sales-receipt")) == ["JKT01-ORD-4-CASH", "JKT01-ORD-6-CASH"]


def test_a_sale_that_failed_for_a_missing_item_goes_again_by_itself_when_a_product_push_ends(
    tenant, connected, accurate_at, order_body, django_capture_on_commit_callbacks
):
    make_ready(tenant, connected, items=False)
    post(tenant, "orders/", order_body("ORD-8"))
    post(tenant, "orders/", order_body("ORD-9", payments=[{"method": "e_wallet", "amount": "41800"}]))
    release(tenant)
    push(connected)
    assert dict(SyncActivity.objects.values_list("pos_number", "failure_cause")) == {
        "ORD-8": "missing_item",
        "ORD-9": "",  # an unmapped payment method: a push does not fix it
    }

    product_push = product_push_start(store=tenant.store, user=tenant.owner)
    with django_capture_on_commit_callbacks() as enqueued:
        run_to_the_end(product_push)
    assert len(enqueued) == 1  # pushes for the store, once the retry commits

    sales = SyncActivity.objects.filter(kind="order")
    assert dict(sales.values_list("pos_number", "status")) == {"ORD-8": "pending", "ORD-9": "failed"}
    again = sales.get(pos_number="ORD-8")
    assert (again.status_reason, again.failure_cause, again.started_at, again.completed_at) == (
        "",
        "",
        None,
        None,
    )
    push(connected)
    assert dict(sales.values_list("pos_number", "status")) == {"ORD-8": "success", "ORD-9": "failed"}
    assert total(by_number(accurate_at, "sales-invoice")["JKT01-ORD-8"]) == Decimal("41800")


def test_an_unmapped_payment_method_fails_with_the_fix(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-7", payments=[{"method": "e_wallet", "amount": "41800"}]))
    release(tenant)

    push(connected)

    activity = SyncActivity.objects.get()
    assert activity.status == "failed"
    assert "e-wallet" in activity.status_reason.lower() or "E_WALLET" in activity.status_reason
    assert "Outlet mapping" in activity.status_reason
    assert accurate_at.documents("sales-invoice") == []


def test_an_order_accurate_already_has_is_bound_not_posted_twice(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-8"))
    release(tenant)
    push(connected)
    first = by_number(accurate_at, "sales-invoice")["JKT01-ORD-8"]
    # Our record of it is lost (a crash between Accurate's answer and our commit): the number settles it.
    AccurateBinding.objects.all().delete()
    activity = SyncActivity.objects.get()
    SyncActivity.objects.filter(pk=activity.pk).update(status="pending", accurate_id=None)
    release(tenant)

    push(connected)

    invoices = accurate_at.documents("sales-invoice")
    assert [(i["number"], i["id"]) for i in invoices] == [("JKT01-ORD-8", first["id"])]
    assert len(accurate_at.documents("sales-receipt")) == 1
    activity.refresh_from_db()
    assert (activity.status, activity.accurate_id, activity.attempts) == ("success", first["id"], 2)
    assert accurate_at.inspect()["counters"]["duplicate_numbers_refused"] == 2


def test_after_an_unclear_answer_numbers_are_looked_up_before_sending(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-9"))
    release(tenant)
    accurate_at.faults(drop_next=1)  # the invoices are saved, the answer never arrives

    push(connected)

    activity = SyncActivity.objects.get()
    assert (activity.status, activity.needs_lookup) == ("pending", True)
    assert activity.due_at is not None and activity.due_at > activity.updated_at
    release(tenant)
    push(connected)

    activity.refresh_from_db()
    assert (activity.status, activity.needs_lookup, activity.attempts) == ("success", False, 2)
    assert list(by_number(accurate_at, "sales-invoice")) == ["JKT01-ORD-9"]
    assert list(by_number(accurate_at, "sales-receipt")) == ["JKT01-ORD-9-CASH"]
    assert accurate_at.inspect()["counters"]["duplicate_numbers_refused"] == 0  # found, not resent
    outcomes = list(SyncAttempt.objects.filter(activity=activity).values_list("outcome", flat=True))
    assert outcomes == ["retry", "success"]


def test_a_503_leaves_the_order_pending_with_backoff_then_it_lands(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-10"))
    release(tenant)
    accurate_at.faults(fail_next=1)

    result = push(connected)

    assert result.again_in is not None and 29 <= result.again_in <= 37.5  # a task then, not the beat
    activity = SyncActivity.objects.get()
    assert (activity.status, activity.needs_lookup, activity.attempts) == ("pending", False, 1)
    assert activity.status_reason == "Accurate could not be reached; the sync will try again."
    assert push(connected).batches == 0  # not due before its backoff ends
    release(tenant)
    push(connected)
    activity.refresh_from_db()
    assert activity.status == "success"
    assert list(by_number(accurate_at, "sales-invoice")) == ["JKT01-ORD-10"]


def test_a_row_retried_for_more_than_a_day_fails_with_the_last_reason(
    tenant, connected, accurate_at, order_body
):
    from datetime import timedelta

    from django.utils import timezone

    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-11"))
    SyncActivity.objects.update(
        due_at=timezone.now(), started_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    accurate_at.faults(fail_next=1)

    push(connected)

    activity = SyncActivity.objects.get()
    assert activity.status == "failed"
    assert activity.status_reason == (
        "Tried for more than a day without success. "
        "Last: Accurate could not be reached; the sync will try again."
    )


def test_a_resync_of_an_unchanged_order_sends_nothing_and_reads_its_totals_back(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-12"))
    release(tenant)
    push(connected)
    before = accurate_at.inspect()["counters"]
    SyncActivity.objects.update(status="pending")
    release(tenant)

    push(connected)

    after = accurate_at.inspect()["counters"]
    assert after["records_saved"] == before["records_saved"]
    # Nothing is sent; Accurate's totals are read back: one list.do for the invoice, one for the receipt.
    assert after["requests"] - before["requests"] == 2
    activity = SyncActivity.objects.get()
    attempt = SyncAttempt.objects.filter(activity=activity).latest("id")
    assert (activity.status, attempt.sent) == ("success", [])
    assert [(a["number"], a["accurate_total"], a["pos_total"]) for a in attempt.answered] == [
        ("JKT01-ORD-12", "41800", "41800.00"),
        ("JKT01-ORD-12-CASH", "41800", "41800.00"),
    ]
