"""Pure arithmetic of a sale. Money is Decimal, rounded half-up to the cent only where the POS does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Room for a quantity × a price at their largest (11 + 16 whole digits), exactly: the default
# context's 28 digits would round the product, then refuse to quantize it.
WIDE = Context(prec=60, rounding=ROUND_HALF_UP)
# An amount has at most 16 digits before the point (the API's and the database's bound).
AMOUNT_LIMIT = Decimal("1e16")


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=WIDE)


def line_amount(*, quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    return to_cents(WIDE.subtract(WIDE.multiply(quantity, unit_price), discount))


def show(value: Decimal) -> str:
    return f"{to_cents(value):,.2f}"


def order_totals_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Why an order's numbers do not add up, keyed by field path. Empty when they do.

    total = Σ(quantity × unit price − line discount) − order discount + tax (unless the prices
    already include it) + service charge + rounding, and the payments add up to the total.
    """
    errors: dict[str, str] = {}
    subtotal = ZERO
    for index, line in enumerate(data["lines"]):
        gross = WIDE.multiply(line["quantity"], line["unit_price"])
        if gross >= AMOUNT_LIMIT:
            errors[f"lines[{index}]"] = (
                f"The line comes to {line['quantity'].normalize():f} × {show(line['unit_price'])} = "
                f"{show(gross)}, "
                "more than an amount can be (16 digits before the point)."
            )
            continue
        if line["discount"] > gross:
            errors[f"lines[{index}].discount"] = (
                f"The line discount {show(line['discount'])} is more than the line "
                f"({line['quantity']} × {show(line['unit_price'])} = {show(gross)})."
            )
        subtotal += line_amount(
            quantity=line["quantity"], unit_price=line["unit_price"], discount=line["discount"]
        )
    if data["order_discount"] > subtotal:
        errors["order_discount"] = (
            f"The order discount {show(data['order_discount'])} is more than the lines ({show(subtotal)})."
        )
    tax_added = ZERO if data["tax_inclusive"] else data["tax"]
    expected = subtotal - data["order_discount"] + tax_added + data["service_charge"]
    expected += data["rounding"]
    if expected != data["total"]:
        tax_words = "tax included in prices" if data["tax_inclusive"] else f"+ tax {show(data['tax'])}"
        errors["total"] = (
            f"The order does not add up: lines {show(subtotal)} − order discount "
            f"{show(data['order_discount'])} {tax_words} + service charge "
            f"{show(data['service_charge'])} + rounding {show(data['rounding'])} = "
            f"{show(expected)}, but total is {show(data['total'])}."
        )
    errors.update(_payments_errors(data))
    return errors


def _payments_errors(data: Mapping[str, Any]) -> dict[str, str]:
    payments: Iterable[Mapping[str, Any]] = data["payments"]
    paid = sum((p["amount"] for p in payments), ZERO)
    void = data["status"] == "void"
    if void and not data["payments"]:
        return {}
    if paid != data["total"]:
        methods = " + ".join(f"{p['method']} {show(p['amount'])}" for p in data["payments"])
        return {
            "payments": f"The payments ({methods or 'none'} = {show(paid)}) do not add up to the "
            f"total {show(data['total'])}."
        }
    return {}


def order_subtotal(lines: Iterable[Mapping[str, Any]]) -> Decimal:
    return sum(
        (
            line_amount(quantity=x["quantity"], unit_price=x["unit_price"], discount=x["discount"])
            for x in lines
        ),
        ZERO,
    )
