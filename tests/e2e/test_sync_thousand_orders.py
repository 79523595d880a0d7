"""End to end: 1,000 orders at the POS become 1,000 sales invoices and their receipts in Accurate.

A real worker and beat on Redis push them to the live sandbox; the beat's dispatcher releases
them (no shift: due at once) and enqueues a push per free lane.
"""

from __future__ import annotations

import pytest

from sync.models import AccurateBinding, SyncActivity
from tests.e2e.sync_support import (
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 1000


def test_a_thousand_orders_become_a_thousand_invoices_and_their_receipts(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    expected = expected_of(bodies)

    stack.worker()
    stack.beat()
    stack.wait_settled(ORDERS)

    assert_landed_once(stack, expected)
    assert len(expected.receipts) == 1333  # 333 orders paid two ways
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    assert AccurateBinding.objects.filter(module="sales-invoice").count() == ORDERS
    assert AccurateBinding.objects.filter(module="sales-receipt").count() == len(expected.receipts)
