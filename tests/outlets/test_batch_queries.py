"""The batch endpoint costs a fixed number of queries, whatever the number of orders in the batch."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outlets import demo
from outlets.models import Order
from sync.models import SyncActivity

URL = "/api/v1/outlets/JKT01/orders/batch/"


def batch(tenant, prefix: str, count: int, shift: str = "SH-1") -> dict[str, list[demo.Body]]:
    rng = random.Random(count)
    menu = demo.Menu(
        [
            demo.DemoProduct(p.pos_id, p.sku, p.name, "", "PCS", p.price, p.cost, "inventory", "")
            for p in tenant.products
        ]
    )
    at = datetime(2026, 11, 20, 10, 15, tzinfo=ZoneInfo("Asia/Jakarta"))
    return {
        "orders": [
            demo.order_body(
                rng, menu, number=f"{prefix}-{n}", ordered_at=at, shift=shift, line_count=3, split=False
            )
            for n in range(count)
        ]
    }


def post_counting(tenant, body) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = tenant.api().post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    return len(queries), response.json()


@pytest.mark.django_db
def test_5_and_50_orders_cost_the_same_queries(tenant):
    opened = {"number": "SH-1", "cashier": "Ayu", "opened_at": "2026-11-20T07:00:00+07:00"}
    assert tenant.api().post("/api/v1/outlets/JKT01/shifts/", opened, format="json").status_code == 201
    # The first call of a key records when it was used (once a minute): keep it out of the count.
    post_counting(tenant, batch(tenant, "WARM", 1))

    five, answer5 = post_counting(tenant, batch(tenant, "A", 5))
    fifty, answer50 = post_counting(tenant, batch(tenant, "B", 50))

    assert (answer5["created"], answer50["created"]) == (5, 50)
    # Key, outlet, stored numbers, products, shift; then in a savepoint one insert per table, and
    # the outlet's posting mode (one invoice per sale here: nothing more to write).
    assert five == fifty == 12
    assert Order.objects.filter(outlet=tenant.outlet, shift__number="SH-1").count() == 56
    assert SyncActivity.objects.filter(kind="order", status="pending").count() == 56
