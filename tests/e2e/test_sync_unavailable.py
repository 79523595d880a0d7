"""End to end: one data call in five is answered HTTP 503; every document still lands, once."""

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


def test_saves_answered_503_all_land_once(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(fail_rate=0.2, fail_next=1)
    stack.worker()
    stack.beat()

    stack.wait_settled(ORDERS, hurry=True)

    assert_landed_once(stack, expected_of(bodies))
    assert stack.sandbox.inspect()["faults"]["failed"] >= 1
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    assert SyncActivity.objects.filter(attempts__gte=2).exists()
