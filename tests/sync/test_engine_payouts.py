"""iSellerPay payouts and a refund's money out through the engine, against the live sandbox: each lands
once with the POS's exact amounts, and the clearing account of a covered sale ends at zero."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mapping.models import PaymentAccount
from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from tests.sync.engine_helpers import make_ready, post, push, release

PAYOUT = {
    "number": "PO-1",
    "paid_at": "2026-11-20T23:30:00+00:00",  # 06:30 on the 21st in Jakarta
    "gross": "41800",
    "fee": "292.60",
    "net": "41507.40",
    "period_start": "2026-11-20",
    "period_end": "2026-11-20",
    "reference": "BCA 7788",
}
REFUND = {
    "number": "R-1",
    "order": "ORD-1",
    "refunded_at": "2026-11-21T09:00:00+07:00",
    "reason": "Rusak",
    "refund_method": "cash",
    "total": "10000",
    "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
}


def by_number(sandbox: Any, module: str) -> dict[str, dict[str, Any]]:
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def money(value: Any) -> Decimal:
    return Decimal(str(value))


def test_a_payout_lands_as_a_transfer_of_the_net_and_an_other_payment_of_the_fee(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected, items=False)
    post(tenant, "payouts/", PAYOUT)

    push(connected)  # no release: a payout is due as it arrives

    row = SyncActivity.objects.get(kind="payout")
    assert (row.status, row.accurate_number) == ("success", "JKT01-PO-1-TRF")
    [transfer] = accurate_at.documents("bank-transfer")
    assert (transfer["number"], transfer["transDate"], transfer["branchName"]) == (
        "JKT01-PO-1-TRF",
        "21/11/2026",
        "Pusat",
    )
    assert (transfer["fromBankNo"], transfer["toBankNo"], money(transfer["fromBankAmount"])) == (
        "1103",
        "1102",
        Decimal("41507.40"),
    )
    [fee] = accurate_at.documents("other-payment")
    assert (fee["number"], fee["bankNo"], fee["transDate"], money(fee["totalAmount"])) == (
        "JKT01-PO-1-MDR",
        "1103",
        "21/11/2026",
        Decimal("292.60"),
    )
    assert [(line["accountNo"], money(line["amount"])) for line in fee["detailAccount"]] == [
        ("6101", Decimal("292.60"))
    ]
    bound = AccurateBinding.objects.filter(activity=row).values_list("module", "number")
    assert sorted(bound) == [("bank-transfer", "JKT01-PO-1-TRF"), ("other-payment", "JKT01-PO-1-MDR")]


def test_an_isellerpay_sale_and_its_payout_leave_nothing_in_the_clearing_account(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1", payments=[{"method": "iseller_pay", "amount": "41800"}]))
    post(tenant, "payouts/", PAYOUT)
    release(tenant)

    push(connected)

    assert {(a.kind, a.status) for a in SyncActivity.objects.all()} == {
        ("order", "success"),
        ("payout", "success"),
    }
    [receipt] = accurate_at.documents("sales-receipt")
    [transfer] = accurate_at.documents("bank-transfer")
    [fee] = accurate_at.documents("other-payment")
    into = money(receipt["totalAmount"]) if receipt["bankNo"] == "1103" else Decimal(0)
    out = money(transfer["fromBankAmount"]) + money(fee["totalAmount"])
    assert (into, out, into - out) == (Decimal("41800"), Decimal("41800"), Decimal(0))


def test_a_refund_pays_its_money_out_of_the_methods_account_after_the_sales_return(
    tenant, connected, accurate_at, order_body
):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "refunds/", REFUND)
    release(tenant)

    push(connected)
    push(connected)  # the refund's second pass, should its sale have landed after it was claimed

    assert {(a.kind, a.status) for a in SyncActivity.objects.all()} == {
        ("order", "success"),
        ("refund", "success"),
    }
    [returned] = accurate_at.documents("sales-return")
    [paid_back] = accurate_at.documents("other-payment")
    assert (returned["number"], money(returned["totalAmount"])) == ("JKT01-R-1", Decimal("10000"))
    assert (paid_back["number"], paid_back["bankNo"], paid_back["transDate"]) == (
        "JKT01-R-1-OUT",
        "1101",
        "21/11/2026",
    )
    assert [(line["accountNo"], money(line["amount"])) for line in paid_back["detailAccount"]] == [
        ("1201", Decimal("10000"))
    ]
    refund_row = SyncActivity.objects.get(kind="refund")
    assert refund_row.accurate_number == "JKT01-R-1"
    sent = [
        (entry["module"], entry["number"])
        for attempt in SyncAttempt.objects.filter(activity=refund_row).order_by("started_at", "id")
        for entry in attempt.sent
    ]
    assert sent == [("sales-return", "JKT01-R-1"), ("other-payment", "JKT01-R-1-OUT")]


def test_a_refund_whose_return_is_refused_pays_nothing_out(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)
    push(connected)
    # The product is gone from Accurate: the sales return is refused, so no money may leave.
    tenant.products[0].sku = "GONE-1"
    tenant.products[0].save(update_fields=["sku"])
    post(tenant, "refunds/", REFUND)
    release(tenant)

    push(connected)

    refund_row = SyncActivity.objects.get(kind="refund")
    assert refund_row.status == "failed"
    assert "GONE-1" in refund_row.status_reason
    assert accurate_at.documents("other-payment") == []


def test_a_payout_without_a_clearing_account_fails_with_the_fix(tenant, connected, accurate_at):
    make_ready(tenant, connected, items=False)
    PaymentAccount.objects.filter(method="iseller_pay", mapping__outlet=tenant.outlet).delete()
    post(tenant, "payouts/", PAYOUT)

    push(connected)

    row = SyncActivity.objects.get(kind="payout")
    assert (row.status, row.status_reason) == (
        "failed",
        "Payment method iSellerPay has no Accurate account for outlet JKT01: "
        "set the iSellerPay clearing account in Apps → Accurate → Outlet mapping.",
    )
    assert accurate_at.documents("bank-transfer") == []
