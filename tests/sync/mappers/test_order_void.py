"""A voided sale: its receipts are deleted first, then its invoice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import Planned, plan_order, plan_order_void

from .documents import JAKARTA, make_order


@pytest.mark.django_db
def test_voiding_a_sale_deletes_its_receipts_then_its_invoice(tenant, django_assert_num_queries):
    p1, p2, _ = tenant.products
    order = make_order(
        tenant.outlet,
        [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")],
        [("qris", "8000"), ("cash", "20000"), ("qris", "10000")],
    )

    with django_assert_num_queries(0):
        planned = plan_order_void(order, JAKARTA)

    assert planned == [
        Planned("sales-receipt", "delete", "JKT01-ORD-0001-QRIS", {}, 1),
        Planned("sales-receipt", "delete", "JKT01-ORD-0001-CASH", {}, 1),
        Planned("sales-invoice", "delete", "JKT01-ORD-0001", {}, 2),
    ]
    # The same numbers the sale was posted under (the customer is kept).
    assert {(p.module, p.number) for p in planned} == {
        (p.module, p.number) for p in plan_order(order, JAKARTA)
    }


@pytest.mark.django_db
def test_a_void_needs_no_mapping_beyond_the_outlet_code(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], [("e_wallet", "10000")])
    bare = replace(JAKARTA, branch_name="", warehouse_name="", payment_accounts={}, walk_in_customer_no="")

    assert plan_order_void(order, bare) == [
        Planned("sales-receipt", "delete", "JKT01-ORD-0001-EWALLET", {}, 1),
        Planned("sales-invoice", "delete", "JKT01-ORD-0001", {}, 2),
    ]
