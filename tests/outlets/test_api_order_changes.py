"""An order that changes or is voided never leaves a stale outbox row behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from outlets.models import Order
from sync.models import SyncActivity

URL = "/api/v1/outlets/JKT01/orders/"
DETAIL = URL + "ORD-0001/"
VOID = DETAIL + "void/"


def rows(order: Order) -> list[tuple[str, str, str]]:
    return list(
        SyncActivity.objects.filter(order=order).order_by("id").values_list("kind", "status", "status_reason")
    )


def mark(order: Order, status: str, number: str = "") -> None:
    SyncActivity.objects.filter(order=order, kind="order").update(
        status=status, accurate_number=number, completed_at=timezone.now()
    )


@pytest.fixture
def order(tenant, order_body) -> Order:
    tenant.api().post(URL, order_body(), format="json")
    return Order.objects.get()


@pytest.mark.django_db
def test_changing_an_unsynced_order_replaces_it_and_keeps_one_pending_row(tenant, order_body, order):
    changed = order_body(
        lines=[{"product": "P3", "quantity": "1", "unit_price": "30000"}],
        tax="3000",
        total="33000",
        payments=[{"method": "qris", "amount": "33000"}],
    )

    response = tenant.api().put(DETAIL, changed, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    order.refresh_from_db()
    assert (order.total, order.version) == (Decimal("33000.00"), 2)
    assert list(order.lines.values_list("product__pos_id", "amount")) == [("P3", Decimal("30000.00"))]
    assert list(order.payments.values_list("method", "amount")) == [("qris", Decimal("33000.00"))]
    assert rows(order) == [("order", "pending", "The order changed (version 2).")]


@pytest.mark.django_db
def test_changing_a_failed_order_sends_it_back_to_pending(tenant, order_body, order):
    mark(order, "failed")

    response = tenant.api().put(DETAIL, order_body(note="fixed"), format="json")

    assert response.status_code == 200
    assert rows(order) == [("order", "pending", "The order changed (version 2).")]


@pytest.mark.django_db
def test_an_order_already_in_accurate_cannot_change(tenant, order_body, order):
    mark(order, "success", "JKT01-ORD-0001")

    response = tenant.api().put(DETAIL, order_body(note="late edit"), format="json")

    assert response.status_code == 409
    assert response.json()["message"] == (
        "Order 'ORD-0001' is already in Accurate as invoice 'JKT01-ORD-0001'; post a refund "
        "instead of changing it."
    )
    order.refresh_from_db()
    assert (order.note, order.version) == ("", 1)


@pytest.mark.django_db
def test_an_order_being_pushed_cannot_change_until_the_push_ends(tenant, order_body, order):
    mark(order, "running")

    response = tenant.api().put(DETAIL, order_body(note="now"), format="json")

    assert response.status_code == 409
    assert rows(order) == [("order", "running", "")]


@pytest.mark.django_db
def test_putting_the_same_body_changes_nothing(tenant, order_body, order):
    response = tenant.api().put(DETAIL, order_body(), format="json")

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.version == 1


@pytest.mark.django_db
def test_voiding_an_unsynced_order_cancels_its_row(tenant, order):
    response = tenant.api().post(VOID, {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "void"
    assert response.json()["voided_at"] == "2026-11-20T04:00:00Z"
    assert rows(order) == [("order", "cancelled", "Voided at the POS before it was synced.")]


@pytest.mark.django_db
def test_voiding_a_synced_order_queues_taking_it_back_out_of_accurate(tenant, order):
    mark(order, "success", "JKT01-ORD-0001")

    tenant.api().post(VOID, {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")

    assert rows(order) == [("order", "success", ""), ("order_void", "pending", "")]


@pytest.mark.django_db
def test_voiding_twice_changes_nothing_the_second_time(tenant, order):
    body = {"voided_at": "2026-11-20T11:00:00+07:00"}
    tenant.api().post(VOID, body, format="json")

    response = tenant.api().post(VOID, body, format="json")

    assert response.status_code == 200
    assert SyncActivity.objects.count() == 1
    order.refresh_from_db()
    assert order.version == 2


@pytest.mark.django_db
def test_a_void_order_cannot_change(tenant, order_body, order):
    tenant.api().post(VOID, {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")

    response = tenant.api().put(DETAIL, order_body(note="after void"), format="json")

    assert response.status_code == 409
    assert response.json()["message"] == "Order 'ORD-0001' is void and cannot change."


@pytest.mark.django_db
def test_voiding_an_order_being_pushed_waits(tenant, order):
    mark(order, "running")

    response = tenant.api().post(VOID, {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")

    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "completed"


@pytest.mark.django_db
def test_an_unknown_order_is_404_for_get_put_and_void(tenant, order_body):
    api = tenant.api()
    assert api.get(URL + "NOPE/").status_code == 404
    assert api.put(URL + "NOPE/", order_body("NOPE"), format="json").status_code == 404
    void = api.post(URL + "NOPE/void/", {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")
    assert void.status_code == 404
    assert void.json()["message"] == "No order 'NOPE' at outlet 'JKT01'."
