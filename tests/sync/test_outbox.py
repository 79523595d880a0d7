"""The outbox row is written in the document's transaction: both or neither."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from outlets.models import Deposit, Order
from sync import outbox
from sync.models import SyncActivity

ORDERS = "/api/v1/outlets/JKT01/orders/"


class Boom(Exception):
    pass


def explode(**kwargs):
    raise Boom("the outbox write failed")


@pytest.mark.django_db
def test_no_document_is_stored_when_its_outbox_row_cannot_be_written(tenant, order_body, monkeypatch):
    monkeypatch.setattr("outlets.services.deposits.activity_record", explode)
    body = {
        "number": "D-1",
        "kind": "cash_in",
        "received_at": "2026-11-20T08:00:00+07:00",
        "amount": "1000",
        "payment_method": "cash",
    }

    with pytest.raises(Boom):
        tenant.api().post("/api/v1/outlets/JKT01/deposits/", body, format="json")

    assert not Deposit.objects.exists()
    assert not SyncActivity.objects.exists()


@pytest.mark.django_db
def test_no_order_is_stored_when_the_batch_outbox_write_fails(tenant, order_body, monkeypatch):
    monkeypatch.setattr("outlets.services.orders.activities_record", explode)

    with pytest.raises(Boom):
        tenant.api().post(ORDERS + "batch/", {"orders": [order_body("A"), order_body("B")]}, format="json")

    assert not Order.objects.exists()
    assert not SyncActivity.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_transaction_takes_its_outbox_row_with_it(tenant, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")
    order = Order.objects.get()

    with pytest.raises(Boom), transaction.atomic():
        outbox.activity_record(kind="order_void", outlet=tenant.outlet, document=order, number=order.number)
        raise Boom

    assert list(SyncActivity.objects.values_list("kind", flat=True)) == ["order"]


@pytest.mark.django_db
def test_a_document_cannot_have_two_rows_that_may_still_post(tenant, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")
    order = Order.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        outbox.activity_record(kind="order", outlet=tenant.outlet, document=order, number="X")


@pytest.mark.django_db
def test_a_row_must_point_at_a_document_of_its_kind(tenant, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")

    with pytest.raises(IntegrityError), transaction.atomic():
        SyncActivity.objects.create(
            store=tenant.store,
            outlet=tenant.outlet,
            kind="deposit",
            pos_number="X",
            order=Order.objects.get(),
        )
