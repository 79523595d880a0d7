"""The demo store's PPN, as a POS computes it: basic necessities ("Bahan & Sembako") are not taxable,
and an order's tax is PPN on its taxable lines only, after their share of the order discount."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from outlets import demo
from outlets.demo.documents import PPN_RATE

ORDERED_AT = datetime(2026, 11, 20, 10, 15, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_basic_necessities_are_the_only_products_without_ppn():
    products = demo.catalogue(random.Random(7))

    untaxed = {p.category for p in products if not p.taxable}
    bodies = [demo.product_body(random.Random(1), p, ["JKT01"]) for p in products]

    assert untaxed == {"Bahan & Sembako"}
    assert all(p.taxable for p in products if p.category != "Bahan & Sembako")
    assert [b["taxable"] for b in bodies] == [p.taxable for p in products]


def test_every_orders_tax_is_ppn_on_its_taxable_lines_only():
    rng = random.Random(11)
    products = demo.catalogue(rng)
    taxable = {p.pos_id: p.taxable for p in products}
    menu = demo.Menu(products)
    seen = {"exclusive": 0, "inclusive": 0, "untaxed lines only": 0, "mixed": 0}

    for n in range(600):
        order = demo.order_body(rng, menu, number=f"ORD-{n}", ordered_at=ORDERED_AT)
        amounts = [
            (Decimal(x["quantity"]) * Decimal(x["unit_price"]) - Decimal(x["discount"])).quantize(
                Decimal("0.01")
            )
            for x in order["lines"]
        ]
        subtotal = sum(amounts, Decimal(0))
        taxed = sum(
            (a for a, x in zip(amounts, order["lines"], strict=True) if taxable[x["product"]]), Decimal(0)
        )
        tax = Decimal(order["tax"])
        if tax == 0:
            continue
        base = taxed - Decimal(order["order_discount"]) * taxed / subtotal
        rate = PPN_RATE / (1 + PPN_RATE) if order["tax_inclusive"] else PPN_RATE
        assert tax == (base * rate).quantize(Decimal(1), ROUND_HALF_UP), order["number"]
        seen["inclusive" if order["tax_inclusive"] else "exclusive"] += 1
        seen["mixed"] += taxed != subtotal
    for n in range(200):
        order = demo.order_body(rng, menu, number=f"X-{n}", ordered_at=ORDERED_AT)
        if all(not taxable[x["product"]] for x in order["lines"]):
            assert order["tax"] == "0", order["number"]  # sugar and tea alone bear no PPN
            seen["untaxed lines only"] += 1

    assert all(seen.values()), seen  # each case came up at least once
