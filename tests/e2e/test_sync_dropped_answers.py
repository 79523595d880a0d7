"""End to end: one data call in ten is answered by a dropped connection after Accurate saved it.

The worker cannot know whether the invoices or receipts of that call landed; the rows go back to
Pending with a lookup, and the next try finds the saved documents by number instead of posting
them again.
"""

from __future__ import annotations

import pytest

from sync.models import SyncActivity
from tests.e2e.sync_support import (
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORDERS = 300


def test_saves_answered_by_a_dropped_connection_all_land_once(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    # The first save is dropped whatever the dice say, so the lookup path always runs.
    stack.sandbox.faults(drop_rate=0.1, drop_next=1)
    stack.worker()
    stack.beat()

    stack.wait_settled(ORDERS, hurry=True)

    assert_landed_once(stack, expected_of(bodies))
    assert stack.sandbox.inspect()["faults"]["dropped"] >= 1
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    assert SyncActivity.objects.filter(attempts__gte=2).exists()
