"""End to end: Accurate answers some saves badly, and every document still lands, once.

- One data call in ten is answered by a dropped connection after Accurate saved it: the worker
  cannot know whether that call's invoices or receipts landed; the rows go back to Pending with a
  lookup, and the next try finds the saved documents by number instead of posting them again.
- One data call in five is answered HTTP 503: the rows back off and are sent again.
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

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 300


# The first faulty answer comes whatever the dice say, so the path it takes always runs.
@pytest.mark.parametrize(
    ("faults", "counter"),
    [
        ({"drop_rate": 0.1, "drop_next": 1}, "dropped"),
        ({"fail_rate": 0.2, "fail_next": 1}, "failed"),
    ],
    ids=["dropped-after-saving", "answered-503"],
)
def test_badly_answered_saves_all_land_once(stack, tenant, faults, counter):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(**faults)
    stack.worker()
    stack.beat()

    stack.wait_settled(ORDERS, hurry=True)

    assert_landed_once(stack, expected_of(bodies))
    assert stack.sandbox.inspect()["faults"][counter] >= 1
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    assert SyncActivity.objects.filter(attempts__gte=2).exists()
