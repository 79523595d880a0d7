"""The planned payloads, posted as planned to the live sandbox: every one is accepted, and the invoice
Accurate computes totals exactly what the POS charged."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from sync.mappers import (
    Planned,
    plan_adjustment,
    plan_deposit,
    plan_order,
    plan_order_void,
    plan_payout,
    plan_refund,
    plan_refund_payment,
    plan_stock_take,
    plan_transfer_in,
    plan_transfer_out,
)
from tests.accurate_sandbox.conftest import Api

from .documents import (
    BALI,
    JAKARTA,
    D,
    at,
    make_adjustment,
    make_deposit,
    make_order,
    make_payout,
    make_refund,
    make_transfer,
)
from .documents import make_stock_take as make_count


def plain(value: Any) -> Any:
    """JSON for requests: Decimals as exact strings (the client encodes them exactly too)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def post(api: Api, planned: list[Planned]) -> list[dict[str, Any]]:
    """Each planned document in stage order, as the engine sends it; the records Accurate stored."""
    stored = []
    for document in sorted(planned, key=lambda p: p.stage):
        if document.action == "delete":
            found = api.detail(document.module, number=document.number)
            reply = api.post(document.module, "delete", json={"id": found["d"]["id"]}).json()
            assert reply["s"] is True, reply
            continue
        if document.action == "bulk-save":
            reply = api.post(document.module, "bulk-save", json={"data": [plain(document.payload)]}).json()
            [reply] = reply["d"]
        else:
            reply = api.post(document.module, document.action, json=plain(document.payload)).json()
        assert reply["s"] is True, (document.number, reply)
        stored.append(reply["r"])
    return stored


@pytest.fixture
def items(api: Api) -> None:
    data = [{"no": f"SKU-{i}", "name": f"Kopi {i}"} for i in range(1, 4)]
    assert api.post("item", "bulk-save", json={"data": data}).json()["s"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("items")
def test_a_sale_with_discounts_tax_rounding_and_three_methods_totals_the_pos_total(api, tenant):
    p1, p2, _ = tenant.products
    # 28,500 + 20,000 − 5,000 = 43,500; PPN 4,785; service 1,000; 49,285 rounded down to 49,200.
    order = make_order(
        tenant.outlet,
        [(p1, "3", "10000", "1500"), (p2, "1", "20000", "0")],
        [("cash", "20000"), ("qris", "19200"), ("iseller_pay", "10000")],
        order_discount="5000",
        tax="4785",
        service_charge="1000",
        rounding="-85",
    )

    invoice, *receipts = post(api, plan_order(order, JAKARTA))

    assert invoice["totalAmount"] == order.total == D("49200")
    assert invoice["taxAmount"] == D("4785")
    assert [(r["number"], r["bankNo"], r["totalAmount"]) for r in receipts] == [
        ("JKT01-ORD-0001-CASH", "1101", 20000),
        ("JKT01-ORD-0001-QRIS", "1102", 19200),
        ("JKT01-ORD-0001-ISPAY", "1103", 10000),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("items")
def test_a_synced_customers_sale_its_refund_and_its_void_are_accepted(api, tenant):
    p1 = tenant.products[0]
    to = replace(JAKARTA, sync_customers=True)
    order = make_order(
        tenant.outlet, [(p1, "2", "10000", "0")], tax="2000", tax_inclusive=True, customer_code="CUST-9"
    )
    refund = make_refund(order, [(p1, "1", "10000")])

    customer, invoice, receipt = post(api, plan_order(order, to))
    returned, paid_back = post(api, [*plan_refund(refund, to), *plan_refund_payment(refund, to)])
    post(api, plan_order_void(order, to))

    assert (customer["customerNo"], invoice["customerNo"], receipt["customerNo"]) == ("CUST-9",) * 3
    assert invoice["totalAmount"] == order.total == D("20000")
    assert (returned["invoiceNumber"], returned["totalAmount"]) == ("JKT01-ORD-0001", 10000)
    assert (paid_back["bankNo"], paid_back["detailAccount"][0]["accountNo"]) == ("1101", "1201")
    assert paid_back["totalAmount"] == 10000
    assert [doc["number"] for doc in api.sandbox.documents("sales-invoice")] == []


@pytest.mark.django_db
@pytest.mark.usefixtures("items")
def test_stock_documents_and_a_deposit_are_accepted(api, tenant):
    p1, p2, _ = tenant.products
    transfer = make_transfer(
        tenant.outlet, tenant.other_outlet, [(p1, "4")], received_at=at("2026-11-21T02:00:00Z")
    )
    adjustment = make_adjustment(tenant.outlet, [(p1, "10", "4000"), (p2, "5", "8000")])
    out = make_adjustment(tenant.outlet, [(p2, "-2", "8000")], number="ADJ-0002")
    count = make_count(tenant.outlet, [(p1, "5"), (p2, "3")])

    post(api, plan_adjustment(adjustment, JAKARTA))
    post(api, plan_adjustment(out, JAKARTA))
    post(api, plan_transfer_out(transfer, JAKARTA))
    post(api, plan_transfer_in(transfer, JAKARTA, BALI))
    post(api, plan_stock_take(count, JAKARTA))
    post(api, plan_deposit(make_deposit(tenant.outlet, payment_method="iseller_pay"), JAKARTA))

    # 10 in, 4 sent to Bali, counted 5 (−1); 5 in, 2 out, counted 3 (±0).
    assert api.sandbox.inspect()["stock"]["101"] == {
        "SKU-1": {"Gudang Utama": 5, "Gudang Bali": 4, "Transit": 0},
        "SKU-2": {"Gudang Utama": 3},
    }
    [deposit] = api.sandbox.documents("other-deposit")
    assert (deposit["bankNo"], deposit["totalAmount"]) == ("1103", 50000)


@pytest.mark.django_db
def test_a_payout_empties_the_clearing_account_of_its_gross(api, tenant):
    payout = make_payout(tenant.outlet, gross=D("1000000.50"), fee=D("7000.25"))

    transfer, fee = post(api, plan_payout(payout, JAKARTA))

    assert (transfer["fromBankNo"], transfer["toBankNo"], transfer["totalAmount"]) == (
        "1103",
        "1102",
        993000.25,
    )
    assert (fee["bankNo"], fee["detailAccount"][0]["accountNo"], fee["totalAmount"]) == (
        "1103",
        "6101",
        7000.25,
    )
