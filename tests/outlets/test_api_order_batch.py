"""The batch endpoint: good orders stored, bad ones reported, one result per order."""

from __future__ import annotations

import pytest

from outlets.models import Order
from sync.models import SyncActivity

URL = "/api/v1/outlets/JKT01/orders/batch/"


@pytest.mark.django_db
def test_a_batch_stores_the_good_orders_and_reports_the_bad_ones(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("OLD-1"), format="json")
    orders = [
        order_body("B-1"),
        order_body("B-2", total="1"),  # does not add up
        order_body("OLD-1"),  # replay of a stored order
        order_body("OLD-1", note="changed"),  # conflict with it
        "not an order",
        order_body("B-3", lines=[{"product": "P9", "quantity": "1", "unit_price": "5"}]),
        order_body("B-1"),  # the same order twice in one batch: a replay of the first
        order_body("B-4", status="void"),
    ]

    response = tenant.api().post(URL, {"orders": orders}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["replayed"], body["conflict"], body["invalid"]) == (2, 2, 1, 3)
    outcomes = [(r["index"], r["number"], r["outcome"]) for r in body["results"]]
    assert outcomes == [
        (0, "B-1", "created"),
        (1, "B-2", "invalid"),
        (2, "OLD-1", "replayed"),
        (3, "OLD-1", "conflict"),
        (4, "", "invalid"),
        (5, "B-3", "invalid"),
        (6, "B-1", "replayed"),
        (7, "B-4", "created"),
    ]
    results = body["results"]
    assert results[0]["id"] == results[6]["id"] == Order.objects.get(number="B-1").pk
    assert [e["path"] for e in results[1]["errors"]] == ["total", "payments"]
    assert results[3]["fields"] == ["note"]
    assert results[4]["errors"] == [
        {"path": "(body)", "message": "Invalid data. Expected a dictionary, but got str."}
    ]
    assert results[5]["errors"][0]["path"] == "lines[0].product"
    assert sorted(Order.objects.values_list("number", flat=True)) == ["B-1", "B-4", "OLD-1"]
    assert sorted(SyncActivity.objects.values_list("pos_number", "kind", "status")) == [
        ("B-1", "order", "pending"),
        ("OLD-1", "order", "pending"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"orders": []}, {"orders": "x"}, [1, 2]])
def test_a_batch_without_a_list_of_orders_is_a_400(tenant, payload):
    response = tenant.api().post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == 'Send {"orders": [...]} with 1 to 500 orders.'


@pytest.mark.django_db
def test_a_batch_of_more_than_500_orders_is_refused_whole(tenant, order_body):
    orders = [order_body(f"X-{i}") for i in range(501)]

    response = tenant.api().post(URL, {"orders": orders}, format="json")

    assert response.status_code == 400
    assert not Order.objects.exists()
