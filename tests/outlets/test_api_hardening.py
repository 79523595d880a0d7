"""Hostile and careless input: every answer under /api/v1/ is a clean 4xx in the one JSON shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework import serializers as drf
from rest_framework.test import APIClient

from outlets.api import serializers
from outlets.api.fields import AwareDateTimeField
from outlets.models import Order, Product

ORDERS = "/api/v1/outlets/JKT01/orders/"
BATCH = "/api/v1/outlets/JKT01/orders/batch/"

IMPOSSIBLE_TIMES = [
    "2026-11-20T10:60:00+07:00",  # minute 60
    "2026-02-30T10:15:00+07:00",  # 30 February
    "2026-11-20T25:15:00+07:00",  # hour 25
    "2026-11-20T10:15:00+25:00",  # offset beyond a day
    "0000-11-20T10:15:00+07:00",  # year 0
]

# Every timestamp the API takes: (method, url, field).
TIMESTAMP_FIELDS = [
    ("post", ORDERS, "ordered_at"),
    ("put", ORDERS + "ORD-1/", "ordered_at"),
    ("post", ORDERS + "ORD-1/void/", "voided_at"),
    ("post", "/api/v1/outlets/JKT01/shifts/", "opened_at"),
    ("post", "/api/v1/outlets/JKT01/shifts/S-1/close/", "closed_at"),
    ("post", "/api/v1/outlets/JKT01/refunds/", "refunded_at"),
    ("post", "/api/v1/outlets/JKT01/transfers/", "sent_at"),
    ("post", "/api/v1/outlets/JKT01/transfers/", "received_at"),
    ("post", "/api/v1/outlets/JKT01/transfers/T-1/receive/", "received_at"),
    ("post", "/api/v1/outlets/JKT01/adjustments/", "adjusted_at"),
    ("post", "/api/v1/outlets/JKT01/stock-takes/", "counted_at"),
    ("post", "/api/v1/outlets/JKT01/deposits/", "received_at"),
    ("post", "/api/v1/outlets/JKT01/payouts/", "paid_at"),
]


def assert_error_shape(response: Any, status: int, error: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = json.loads(response.content)
    assert isinstance(body["error"], str) and isinstance(body["message"], str), body
    if error is not None:
        assert body["error"] == error, body
    return body


def test_every_timestamp_field_of_the_api_is_listed_here():
    found = set()
    for name in dir(serializers):
        cls = getattr(serializers, name)
        if isinstance(cls, type) and issubclass(cls, drf.Serializer):
            if cls is serializers.OrderBatchSerializer:
                continue
            for field_name, field in cls().fields.items():
                if isinstance(field, AwareDateTimeField):
                    found.add(field_name)
    assert found == {field for _, _, field in TIMESTAMP_FIELDS}


@pytest.mark.django_db
@pytest.mark.parametrize("value", IMPOSSIBLE_TIMES)
@pytest.mark.parametrize(("method", "url", "field"), TIMESTAMP_FIELDS)
def test_an_impossible_timestamp_is_a_400_at_its_field(tenant, method, url, field, value):
    response = getattr(tenant.api(), method)(url, {field: value}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    messages = [e["message"] for e in body["errors"] if e["path"] == field]
    assert messages == ["No such time: check the date, the hour, the minute and the offset."], body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00", "9999-12-31T23:59:59Z"]
)
def test_a_timestamp_beyond_the_calendar_is_a_400(tenant, order_body, value):
    response = tenant.api().post(ORDERS, order_body(ordered_at=value), format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert [e["path"] for e in body["errors"]] == ["ordered_at"]


@pytest.mark.django_db
def test_an_order_with_an_impossible_time_fails_alone_in_its_batch(tenant, order_body):
    orders = [
        order_body("B-1"),
        order_body("B-2", ordered_at="2026-02-30T10:15:00+07:00"),
        order_body("B-3"),
    ]

    response = tenant.api().post(BATCH, {"orders": orders}, format="json")

    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert (body["created"], body["invalid"]) == (2, 1)
    bad = body["results"][1]
    assert (bad["index"], bad["number"], bad["outcome"]) == (1, "B-2", "invalid")
    assert [e["path"] for e in bad["errors"]] == ["ordered_at"]
    assert sorted(Order.objects.values_list("number", flat=True)) == ["B-1", "B-3"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/outlets/B%0001/orders/X/",
        "/api/v1/outlets/JKT01/orders/X%00/",
        "/api/v1/outlets/JKT01/deposits/D%001/",
        "/api/v1/products/P%001/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_404(tenant, url):
    response = tenant.api().get(url)

    assert_error_shape(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [990, 5000])
def test_deeply_nested_json_is_a_400(tenant, depth):
    body = "[" * depth + "]" * depth

    response = tenant.api().post(ORDERS, body, content_type="application/json")

    assert_error_shape(response, 400, "malformed")


@pytest.mark.django_db
def test_options_on_an_order_answers_its_metadata(tenant, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")

    stored = tenant.api().options(ORDERS + "ORD-0001/")
    unknown = tenant.api().options(ORDERS + "NOPE/")

    assert stored.status_code == 200
    assert set(stored.json()["actions"]) == {"PUT"}
    assert unknown.status_code == 200
    assert "actions" not in unknown.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/outlets/",
        "/api/v1/products/",
        "/api/v1/products/P1/",
        ORDERS,
        BATCH,
        ORDERS + "X/void/",
        "/api/v1/outlets/JKT01/shifts/S/close/",
        "/api/v1/outlets/JKT01/transfers/T/receive/",
        "/api/v1/outlets/JKT01/refunds/",
        "/api/v1/outlets/JKT01/refunds/R/",
    ],
)
def test_options_never_fails(tenant, url):
    assert tenant.api().options(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/nothing-here/", "/api/v1/outlets/JKT01/nothing/", "/api/v1/orders"])
def test_an_unknown_url_under_the_api_is_a_json_404(tenant, url):
    assert_error_shape(tenant.api().get(url), 404, "not_found")
    assert_error_shape(APIClient().post(url, {}, format="json"), 404, "not_found")


@pytest.mark.django_db
def test_a_method_the_url_does_not_take_is_a_json_405(tenant):
    body = assert_error_shape(tenant.api().delete(ORDERS), 405, "method_not_allowed")
    assert "DELETE" in body["message"]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_413_stating_it(tenant, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    big = json.dumps({"number": "X", "note": "x" * (10 * 1024 * 1024)})

    response = tenant.api().post(ORDERS, big, content_type="application/json")

    body = assert_error_shape(response, 413, "too_large")
    assert f"{limit:,}" in body["message"]
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_a_crash_is_a_json_500_that_says_nothing_internal(tenant, order_body, monkeypatch):
    def boom(**_: Any) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr("outlets.api.orders.orders_ingest", boom)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.api_key}")

    response = client.post(ORDERS, order_body(), format="json")

    body = assert_error_shape(response, 500, "server_error")
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert set(body) == {"error", "message"}


@pytest.mark.django_db
def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


# --- Limits -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_order_with_too_many_lines_is_refused_naming_the_limit(tenant, order_body, settings):
    limit = settings.API_MAX_ORDER_LINES
    lines = [{"product": "P1", "quantity": "1", "unit_price": "1"}] * (limit + 1)

    response = tenant.api().post(ORDERS, order_body(lines=lines), format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert body["errors"] == [{"path": "lines", "message": f"At most {limit:,} lines per order."}]


@pytest.mark.django_db
def test_an_order_with_too_many_payments_is_refused_naming_the_limit(tenant, order_body, settings):
    limit = settings.API_MAX_ORDER_PAYMENTS
    payments = [{"method": "cash", "amount": "1"}] * (limit + 1)

    response = tenant.api().post(ORDERS, order_body(payments=payments), format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert body["errors"] == [{"path": "payments", "message": f"At most {limit:,} payments per order."}]


@pytest.mark.django_db
def test_an_order_at_the_line_limit_is_taken(tenant, order_body, settings):
    limit = settings.API_MAX_ORDER_LINES
    lines = [{"product": "P1", "quantity": "1", "unit_price": "10"}] * limit

    response = tenant.api().post(
        ORDERS,
        order_body(
            lines=lines,
            tax="0",
            total=str(10 * limit),
            payments=[{"method": "cash", "amount": str(10 * limit)}],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_too_many_products_in_one_upsert_is_refused_naming_the_limit(tenant, settings):
    limit = settings.API_BATCH_MAX_PRODUCTS
    products = [{"pos_id": f"N{i}", "name": "x", "price": "1"} for i in range(limit + 1)]

    response = tenant.api().post("/api/v1/products/", {"products": products}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert body["errors"] == [{"path": "products", "message": f"At most {limit:,} products per request."}]
    assert Product.objects.filter(store=tenant.store).count() == 3


@pytest.mark.django_db
def test_the_schema_states_the_limits(client, settings):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]

    assert components["OrderRequest"]["properties"]["lines"]["maxItems"] == settings.API_MAX_ORDER_LINES
    assert components["OrderRequest"]["properties"]["payments"]["maxItems"] == settings.API_MAX_ORDER_PAYMENTS
    upsert = components["ProductUpsertRequest"]["properties"]["products"]
    assert upsert["maxItems"] == settings.API_BATCH_MAX_PRODUCTS
    batch = components["OrderBatchRequest"]["properties"]["orders"]
    assert (batch["minItems"], batch["maxItems"]) == (1, settings.API_BATCH_MAX_ORDERS)


def test_the_limits_are_what_the_readme_says(settings):
    assert (
        settings.API_MAX_ORDER_LINES,
        settings.API_MAX_ORDER_PAYMENTS,
        settings.API_BATCH_MAX_PRODUCTS,
        settings.API_BATCH_MAX_ORDERS,
    ) == (1000, 50, 1000, 500)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"note": "a\x00b"}, "note"),
        ({"shift": "S\x001"}, "shift"),
        ({"lines": [{"product": "P\x001", "quantity": "1", "unit_price": "1"}]}, "lines[0].product"),
    ],
)
def test_a_nul_byte_in_the_body_is_a_400_at_its_path(tenant, order_body, overrides, path):
    response = tenant.api().post(ORDERS, order_body(**overrides), format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert path in [e["path"] for e in body["errors"]]
