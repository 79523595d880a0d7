"""Builders for the mapper tests: a Destination like an activated outlet's, and POS documents read back
the way the sync engine reads them (relations prefetched), so mapping them runs no query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from outlets.models import (
    Adjustment,
    AdjustmentLine,
    Deposit,
    Order,
    OrderLine,
    Outlet,
    Payment,
    Payout,
    Product,
    Refund,
    RefundLine,
    StockTake,
    StockTakeLine,
    Transfer,
    TransferLine,
)
from outlets.services.money import to_cents
from sync.mappers import Destination

D = Decimal

# Names and accounts as the sandbox seeds them (accurate_sandbox/seed.py).
JAKARTA = Destination(
    outlet_code="JKT01",
    zone=ZoneInfo("Asia/Jakarta"),
    branch_name="Pusat",
    warehouse_name="Gudang Utama",
    # iSellerPay money waits in the clearing account 1103 until a payout moves it to the bank.
    payment_accounts={"cash": "1101", "qris": "1102", "debit_card": "1102", "iseller_pay": "1103"},
    mdr_account_no="6101",
    service_charge_account_no="4102",
    rounding_account_no="6102",
    adjustment_account_no="5101",
    deposit_account_no="2104",
    walk_in_customer_no="C-WALKIN",
    sync_customers=False,
    transit_warehouse_name="Transit",
    tax_rate=D("11.00"),
    payout_account_no="1102",
    refund_account_no="1201",
)
BALI = replace(
    JAKARTA,
    outlet_code="BALI1",
    zone=ZoneInfo("Asia/Makassar"),
    branch_name="Cabang Bali",
    warehouse_name="Gudang Bali",
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# A line: (product, quantity, unit price, line discount[, note]).
Line = tuple[Any, ...]


def make_order(
    outlet: Outlet,
    lines: Sequence[Line],
    payments: Sequence[tuple[str, str]] | None = None,
    *,
    number: str = "ORD-0001",
    ordered_at: str = "2026-11-20T10:15:00+07:00",
    tax: str = "0",
    tax_inclusive: bool = False,
    order_discount: str = "0",
    service_charge: str = "0",
    rounding: str = "0",
    **fields: Any,
) -> Order:
    """An order whose numbers add up as the POS checks them; paid in cash unless `payments` say how."""
    amounts = [to_cents(D(qty) * D(price) - D(discount)) for _, qty, price, discount, *_ in lines]
    subtotal = sum(amounts, D(0))
    added_tax = D(0) if tax_inclusive else D(tax)
    total = subtotal - D(order_discount) + added_tax + D(service_charge) + D(rounding)
    order = Order.objects.create(
        outlet=outlet,
        number=number,
        payload={},
        payload_hash="-",
        ordered_at=at(ordered_at),
        subtotal=subtotal,
        order_discount=D(order_discount),
        tax=D(tax),
        tax_inclusive=tax_inclusive,
        service_charge=D(service_charge),
        rounding=D(rounding),
        total=total,
        **fields,
    )
    for position, (line, amount) in enumerate(zip(lines, amounts, strict=True), 1):
        product, qty, price, discount, *note = line
        OrderLine.objects.create(
            order=order,
            position=position,
            product=product,
            quantity=D(qty),
            unit_price=D(price),
            discount=D(discount),
            amount=amount,
            note=note[0] if note else "",
        )
    paid = [("cash", str(total))] if payments is None else payments
    for position, (method, paid_amount) in enumerate(paid, 1):
        Payment.objects.create(order=order, position=position, method=method, amount=D(paid_amount))
    return read_order(order.pk)


def read_order(pk: int) -> Order:
    return Order.objects.prefetch_related("lines__product", "payments").get(pk=pk)


def make_refund(order: Order, lines: Sequence[tuple[Product, str, str]], **fields: Any) -> Refund:
    fields.setdefault("number", "RF-0001")
    fields.setdefault("refunded_at", at("2026-11-21T09:00:00+07:00"))
    total = sum((to_cents(D(qty) * D(price)) for _, qty, price in lines), D(0))
    refund = Refund.objects.create(
        outlet=order.outlet, order=order, payload={}, payload_hash="-", total=total, **fields
    )
    for position, (product, qty, price) in enumerate(lines, 1):
        RefundLine.objects.create(
            refund=refund,
            position=position,
            product=product,
            quantity=D(qty),
            unit_price=D(price),
            amount=to_cents(D(qty) * D(price)),
        )
    return Refund.objects.select_related("order__outlet").prefetch_related("lines__product").get(pk=refund.pk)


def make_transfer(
    outlet: Outlet, to_outlet: Outlet, lines: Sequence[tuple[Product, str]], **fields: Any
) -> Transfer:
    fields.setdefault("number", "TR-0001")
    fields.setdefault("sent_at", at("2026-11-20T20:00:00+07:00"))
    transfer = Transfer.objects.create(
        outlet=outlet, to_outlet=to_outlet, payload={}, payload_hash="-", **fields
    )
    for position, (product, qty) in enumerate(lines, 1):
        TransferLine.objects.create(transfer=transfer, position=position, product=product, quantity=D(qty))
    return Transfer.objects.prefetch_related("lines__product").get(pk=transfer.pk)


def make_adjustment(outlet: Outlet, lines: Sequence[Line], **fields: Any) -> Adjustment:
    """Lines: (product, quantity, unit cost[, note])."""
    fields.setdefault("number", "ADJ-0001")
    fields.setdefault("adjusted_at", at("2026-11-20T18:00:00+07:00"))
    fields.setdefault("reason", "Barang rusak")
    adjustment = Adjustment.objects.create(outlet=outlet, payload={}, payload_hash="-", **fields)
    for position, (product, qty, cost, *note) in enumerate(lines, 1):
        AdjustmentLine.objects.create(
            adjustment=adjustment,
            position=position,
            product=product,
            quantity=D(qty),
            unit_cost=D(cost),
            note=note[0] if note else "",
        )
    return Adjustment.objects.prefetch_related("lines__product").get(pk=adjustment.pk)


def make_stock_take(outlet: Outlet, lines: Sequence[tuple[Product, str]], **fields: Any) -> StockTake:
    fields.setdefault("number", "ST-0001")
    fields.setdefault("counted_at", at("2026-11-20T21:00:00+07:00"))
    stock_take = StockTake.objects.create(outlet=outlet, payload={}, payload_hash="-", **fields)
    for position, (product, qty) in enumerate(lines, 1):
        StockTakeLine.objects.create(
            stock_take=stock_take, position=position, product=product, counted_quantity=D(qty)
        )
    return StockTake.objects.prefetch_related("lines__product").get(pk=stock_take.pk)


def make_deposit(outlet: Outlet, **fields: Any) -> Deposit:
    fields.setdefault("number", "DP-0001")
    fields.setdefault("kind", Deposit.Kind.CUSTOMER_DEPOSIT)
    fields.setdefault("received_at", at("2026-11-20T11:00:00+07:00"))
    fields.setdefault("amount", D("50000"))
    fields.setdefault("payment_method", "qris")
    return Deposit.objects.create(outlet=outlet, payload={}, payload_hash="-", **fields)


def make_payout(outlet: Outlet, **fields: Any) -> Payout:
    """A payout of 1,000,000 less a fee of 7,000 (0.7 %), paid on a Friday morning WIB."""
    fields.setdefault("number", "PO-0001")
    fields.setdefault("paid_at", at("2026-11-20T09:30:00+07:00"))
    fields.setdefault("gross", D("1000000"))
    fields.setdefault("fee", D("7000"))
    fields.setdefault("net", fields["gross"] - fields["fee"])
    return Payout.objects.create(outlet=outlet, payload={}, payload_hash="-", **fields)
