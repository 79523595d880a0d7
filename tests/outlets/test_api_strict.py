"""The API takes exactly what its schema says: what the schema refuses is a 400 at its path, what a
rule the schema cannot state refuses is a 422, and the schema documents every answer."""

from __future__ import annotations

from typing import Any

import pytest

from outlets.models import Order, Refund, Shift

ORDERS = "/api/v1/outlets/JKT01/orders/"
SHAPE = 'Write it as plain digits, e.g. "41800" or "-1.5": no spaces, exponent or leading zeros.'


def errors_of(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == "invalid"
    return {error["path"]: error["message"] for error in body["errors"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"total": 41800},
            "total",
            'Send it as a string of digits, e.g. "41800" or "41800.50" (a number may lose cents).',
        ),
        (
            {"total": "041800"},
            "total",
            SHAPE,
        ),
        (
            {"total": " 41800"},
            "total",
            SHAPE,
        ),
        (
            {"total": "4.18e4"},
            "total",
            SHAPE,
        ),
        ({"tax_inclusive": "false"}, "tax_inclusive", "Must be true or false (a JSON boolean)."),
        ({"tax_inclusive": 0}, "tax_inclusive", "Must be true or false (a JSON boolean)."),
        (
            {"number": 1001},
            "number",
            "The POS number: letters, digits and . _ / -, at most 64, unique per outlet.",
        ),
        ({"note": 5}, "note", "Must be text (a JSON string)."),
        ({"note": "a\x00b"}, "note", "Null characters are not allowed."),
        (
            {"ordered_at": "2026-11-20T10:15+07:00"},
            "ordered_at",
            "Give the time as RFC 3339 with its UTC offset, e.g. 2026-11-20T10:15:00+07:00.",
        ),
        (
            {"ordered_at": "2026-11-20 10:15:00+07:00"},
            "ordered_at",
            "Give the time as RFC 3339 with its UTC offset, e.g. 2026-11-20T10:15:00+07:00.",
        ),
        ({"order_discount": "-1"}, "order_discount", "Must be 0 or more."),
    ],
)
def test_what_the_schema_refuses_is_a_400_at_its_path(tenant, order_body, change, path, message):
    response = tenant.api().post(ORDERS, order_body(**change), format="json")

    assert errors_of(response, 400) == {path: message}
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_the_business_rules_answer_422_and_save_nothing(tenant, order_body):
    response = tenant.api().post(ORDERS, order_body(total="41801"), format="json")

    errors = errors_of(response, 422)
    assert list(errors) == ["total", "payments"]
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_a_line_too_large_for_any_amount_is_refused_not_a_server_error(tenant, order_body):
    # 99,999,999,999 × 9,999,999,999,999,999.99 has 27 digits before the point: it used to raise
    # decimal.InvalidOperation (a 500) when rounded to the cent in the default 28-digit context.
    line = {"product": "P1", "quantity": "99999999999", "unit_price": "9999999999999999.99"}

    response = tenant.api().post(ORDERS, order_body(lines=[line]), format="json")

    errors = errors_of(response, 422)
    assert errors["lines[0]"] == (
        "The line comes to 99999999999 × 9,999,999,999,999,999.99 = "
        "999,999,999,989,999,999,000,000,000.01, more than an amount can be (16 digits before the point)."
    )


@pytest.mark.django_db
def test_an_empty_string_is_not_null_for_an_amount(tenant):
    api = tenant.api()
    api.post(
        "/api/v1/outlets/JKT01/shifts/",
        {"number": "S-1", "cashier": "Ani", "opened_at": "2026-11-20T08:00:00+07:00"},
        format="json",
    )

    response = api.post(
        "/api/v1/outlets/JKT01/shifts/S-1/close/",
        {"closed_at": "2026-11-20T17:00:00+07:00", "closing_cash": ""},
        format="json",
    )

    assert errors_of(response, 400) == {"closing_cash": SHAPE}
    assert Shift.objects.get().closed_at is None


@pytest.mark.django_db
def test_every_kind_of_document_takes_at_most_1000_lines(tenant, order_body, settings):
    tenant.api().post(ORDERS, order_body(), format="json")
    line = {"product": "P1", "quantity": "1", "unit_price": "10000"}
    refund = {
        "number": "R-1",
        "order": "ORD-0001",
        "refunded_at": "2026-11-20T12:00:00+07:00",
        "total": "10000",
        "lines": [line] * 1001,
    }

    response = tenant.api().post("/api/v1/outlets/JKT01/refunds/", refund, format="json")

    assert errors_of(response, 400) == {"lines": "At most 1,000 lines per document."}
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_the_schema_documents_what_each_operation_answers(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    components = schema["components"]["schemas"]

    outlets = paths["/api/v1/outlets/"]["get"]["responses"]
    assert outlets["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OutletList"
    }
    assert sorted(outlets) == ["200", "401", "429", "500"]
    assert components["OutletList"]["properties"]["outlets"]["type"] == "array"

    order = paths["/api/v1/outlets/{outlet_code}/orders/"]["post"]["responses"]
    assert sorted(order) == ["200", "201", "400", "401", "404", "409", "413", "415", "422", "429", "500"]
    assert order["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    stored = components["OrderStored"]["properties"]
    assert {"id", "outlet", "status", "version", "voided_at", "lines", "payments"} <= set(stored)

    batch = paths["/api/v1/outlets/{outlet_code}/orders/batch/"]["post"]["responses"]
    assert batch["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderBatchResult"
    }
    assert "409" not in batch
    products = paths["/api/v1/products/"]["post"]["responses"]
    assert products["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProductUpsertResult"
    }
    assert paths["/api/v1/outlets/{outlet_code}/orders/"]["post"]["responses"]["429"]["headers"] == {
        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
    }

    request = components["OrderLineRequest"]["properties"]
    assert request["quantity"]["pattern"] == (
        r"^([1-9][0-9]{0,10}(\.[0-9]{1,3})?|0\.(0{0}[1-9][0-9]{0,2}|0{1}[1-9][0-9]{0,1}|0{2}[1-9][0-9]{0,0}))$"
    )
    assert request["unit_price"]["pattern"] == r"^((0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?)$"
    assert request["product"] == {
        "type": "string",
        "maxLength": 64,
        "minLength": 1,
        "pattern": "^[^\\u0000]+$",
        "description": "The product's POS id.",
    }
    assert components["RefundRequest"]["properties"]["lines"]["maxItems"] == 1000
    assert components["RefundRequest"]["properties"]["lines"]["minItems"] == 1
