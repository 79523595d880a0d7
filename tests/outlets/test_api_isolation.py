"""Each store sees only its own data: another store's key gets 404 for this store's documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outlets.models import ApiKey, Order
from outlets.services.stores import api_key_revoke
from sync.models import SyncActivity

ORDERS = "/api/v1/outlets/JKT01/orders/"


@pytest.mark.django_db
def test_another_stores_key_reaches_its_own_outlet_of_the_same_code(tenant, outsider, order_body):
    # Both stores have an outlet JKT01 and the same order number: no conflict, each store gets its own.
    tenant.api().post(ORDERS, order_body(), format="json")
    other = order_body(
        lines=[{"product": "P1", "quantity": "1", "unit_price": "10000"}],
        tax="0",
        total="10000",
        payments=[{"method": "qris", "amount": "10000"}],
    )

    response = outsider.api().post(ORDERS, other, format="json")

    assert response.status_code == 201
    assert sorted(Order.objects.values_list("outlet__store__slug", "number", "total")) == [
        ("kopi", "ORD-0001", Decimal("41800.00")),
        ("roti", "ORD-0001", Decimal("10000.00")),
    ]
    assert sorted(SyncActivity.objects.values_list("store__slug", "outlet__store__slug")) == [
        ("kopi", "kopi"),
        ("roti", "roti"),
    ]


@pytest.mark.django_db
def test_another_stores_key_cannot_read_or_change_this_stores_documents(tenant, outsider, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")
    tenant.api().post(
        "/api/v1/outlets/BALI1/deposits/",
        {
            "number": "D-1",
            "kind": "cash_in",
            "received_at": "2026-11-20T08:00:00+08:00",
            "amount": "1000",
            "payment_method": "cash",
        },
        format="json",
    )
    api = outsider.api()
    store_outlet = f"/api/v1/outlets/{tenant.outlet.code}/"

    assert api.get(ORDERS + "ORD-0001/").status_code == 404
    assert api.put(ORDERS + "ORD-0001/", order_body(), format="json").status_code == 404
    void = api.post(ORDERS + "ORD-0001/void/", {"voided_at": "2026-11-20T11:00:00+07:00"}, format="json")
    assert void.status_code == 404
    assert api.get("/api/v1/outlets/BALI1/deposits/D-1/").status_code == 404
    assert api.get(store_outlet + "orders/ORD-0001/").status_code == 404
    assert Order.objects.get().status == "completed"
    assert SyncActivity.objects.filter(store=outsider.store).count() == 0


@pytest.mark.django_db
def test_an_outlet_only_the_other_store_has_is_a_404(tenant, outsider, order_body):
    from outlets.services.stores import outlet_create

    outlet_create(store=tenant.store, code="SBY01", name="Surabaya")

    response = outsider.api().post("/api/v1/outlets/SBY01/orders/", order_body(), format="json")

    assert response.status_code == 404
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_the_outlet_list_is_the_keys_store_only(tenant, outsider):
    from outlets.services.stores import outlet_create

    outlet_create(store=outsider.store, code="MDN01", name="Medan")

    response = tenant.api().get("/api/v1/outlets/")

    assert response.json() == {
        "outlets": [
            {"code": "BALI1", "name": "Denpasar", "time_zone": "Asia/Makassar"},
            {"code": "JKT01", "name": "Jakarta Pusat", "time_zone": "Asia/Jakarta"},
        ]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "Bearer isk_wrong", "Token abc", "Bearer "],
)
def test_requests_without_a_valid_key_are_refused(tenant, client, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/api/v1/outlets/", **headers)

    assert response.status_code == 401
    assert response.json()["error"] in {"not_authenticated", "authentication_failed"}


@pytest.mark.django_db
def test_a_revoked_key_is_refused(tenant):
    api_key_revoke(key=ApiKey.objects.get(store=tenant.store))

    response = tenant.api().get("/api/v1/outlets/")

    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


@pytest.mark.django_db
def test_only_the_hash_of_a_key_is_stored(tenant):
    key = ApiKey.objects.get(store=tenant.store)

    assert tenant.api_key not in (key.key_hash, key.prefix, key.name)
    assert len(key.key_hash) == 64
    assert tenant.api_key.startswith(key.prefix)


@pytest.mark.django_db
def test_a_store_with_documents_can_be_deleted_with_everything_in_it(tenant, outsider, order_body):
    tenant.api().post(ORDERS, order_body(), format="json")
    outsider.api().post(ORDERS, order_body(), format="json")

    tenant.store.delete()

    assert list(Order.objects.values_list("outlet__store__slug", flat=True)) == ["roti"]
    assert list(SyncActivity.objects.values_list("store__slug", flat=True)) == ["roti"]
