"""End to end: one order of a batch of 100 sells a product whose SKU Accurate does not know.

That order's row fails with a reason naming the SKU, and nothing of it is in Accurate; the other
99 land with their invoices and receipts.
"""

from __future__ import annotations

import pytest

from outlets.models import Product
from sync.models import SyncActivity
from tests.e2e.sync_support import (
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORDERS = 100
GHOST = 37  # the order that sells it


def test_an_order_with_a_sku_unknown_to_accurate_fails_alone(stack, tenant):
    # In the POS, never exported or pushed to Accurate.
    Product.objects.create(store=tenant.store, pos_id="P-GHOST", sku="SKU-GHOST", name="Kue", price=15000)
    bodies = [
        order_body(n, two_methods=n % 3 == 0, extra_product="P-GHOST" if n == GHOST else "")
        for n in range(1, ORDERS + 1)
    ]
    orders_post(tenant, bodies)
    stack.worker()
    stack.beat()

    stack.wait_settled(ORDERS)

    ghost = SyncActivity.objects.get(pos_number=f"ORD-{GHOST:05d}")
    assert ghost.status == "failed"
    assert "SKU-GHOST" in ghost.status_reason
    assert ghost.status_reason.startswith("Item SKU-GHOST is not in Accurate."), ghost.status_reason
    others = SyncActivity.objects.exclude(pk=ghost.pk)
    assert list(others.values_list("status", flat=True).distinct()) == ["success"]
    assert others.count() == ORDERS - 1
    # Nothing of the failed order is in Accurate: its numbers would be "unexpected" here.
    assert_landed_once(stack, expected_of([b for b in bodies if b["number"] != ghost.pos_number]))
