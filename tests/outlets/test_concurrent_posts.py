"""Two POS retries of one order racing each other store it once, with one outbox row."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from outlets.api.serializers import OrderSerializer
from outlets.models import Order
from outlets.services.orders import OrderResult, orders_ingest
from sync.models import SyncActivity


@pytest.mark.django_db(transaction=True)
def test_racing_posts_of_one_order_store_it_once(tenant, order_body):
    serializer = OrderSerializer(data=order_body())
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = dict(serializer.validated_data)
    barrier = threading.Barrier(4)
    results: list[OrderResult] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            results.extend(orders_ingest(outlet=tenant.outlet, items=[(0, data)]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.outcome for r in results) == ["created", "replayed", "replayed", "replayed"]
    assert Order.objects.count() == 1
    assert SyncActivity.objects.count() == 1
    assert {r.order.pk for r in results if r.order is not None} == {Order.objects.get().pk}
