"""Products: bulk upsert by POS id, with stock per outlet; all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outlets.models import OutletStock, Product

URL = "/api/v1/products/"


def product(pos_id: str, **overrides):
    body = {"pos_id": pos_id, "sku": f"SKU-{pos_id}", "name": f"Teh {pos_id}", "price": "15000"}
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_products_are_created_updated_or_left_unchanged_by_pos_id(tenant):
    body = {
        "products": [
            product("N1", stock=[{"outlet": "JKT01", "quantity": "10", "unit_cost": "5000"}]),
            {"pos_id": "P1", "sku": "SKU-1", "name": "Kopi 1", "price": "10000", "cost": "4000"},
            {
                "pos_id": "P2",
                "sku": "SKU-2",
                "name": "Kopi 2 Besar",
                "price": "22000",
                "cost": "8000",
            },
        ]
    }

    response = tenant.api().post(URL, body, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["created"], data["updated"], data["unchanged"]) == (1, 1, 1)
    assert [(r["pos_id"], r["outcome"]) for r in data["results"]] == [
        ("N1", "created"),
        ("P1", "unchanged"),
        ("P2", "updated"),
    ]
    p2 = Product.objects.get(store=tenant.store, pos_id="P2")
    assert (p2.name, p2.price) == ("Kopi 2 Besar", Decimal("22000.00"))
    n1 = Product.objects.get(store=tenant.store, pos_id="N1")
    assert (n1.unit, n1.item_type, n1.active, n1.has_serial_number) == (
        "PCS",
        "inventory",
        True,
        False,
    )
    assert list(OutletStock.objects.values_list("outlet__code", "product__pos_id", "quantity")) == [
        ("JKT01", "N1", Decimal("10.000"))
    ]


@pytest.mark.django_db
def test_stock_is_replaced_not_added(tenant):
    api = tenant.api()
    api.post(
        URL,
        {"products": [product("N1", stock=[{"outlet": "JKT01", "quantity": "10"}])]},
        format="json",
    )
    api.post(
        URL,
        {"products": [product("N1", stock=[{"outlet": "JKT01", "quantity": "7"}])]},
        format="json",
    )

    assert list(OutletStock.objects.values_list("quantity", flat=True)) == [Decimal("7.000")]


@pytest.mark.django_db
def test_a_product_without_sku_is_accepted_for_the_checks_to_find(tenant):
    response = tenant.api().post(URL, {"products": [product("N1", sku="")]}, format="json")

    assert response.status_code == 200
    assert Product.objects.get(pos_id="N1").sku == ""


@pytest.mark.django_db
def test_one_bad_product_saves_none(tenant):
    body = {
        "products": [
            product("N1"),
            product("N2", price="-1"),
            product("N3", stock=[{"outlet": "NOPE", "quantity": "1"}]),
        ]
    }

    response = tenant.api().post(URL, body, format="json")
    unknown_outlet = tenant.api().post(URL, {"products": [body["products"][2]]}, format="json")
    repeated = tenant.api().post(URL, {"products": [product("N1"), product("N1")]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "products[1].price", "message": "Must be 0 or more."}]
    assert unknown_outlet.status_code == 422
    assert unknown_outlet.json()["errors"] == [
        {"path": "products[0].stock[0].outlet", "message": "Unknown outlet 'NOPE' in this store."}
    ]
    assert repeated.json()["errors"] == [
        {"path": "products[1].pos_id", "message": "POS id 'N1' is already used by products[0]."}
    ]
    assert not Product.objects.filter(pos_id__startswith="N").exists()


@pytest.mark.django_db
def test_a_product_can_be_read_back_only_by_its_store(tenant, outsider):
    tenant.api().post(URL, {"products": [product("N1")]}, format="json")

    mine = tenant.api().get(URL + "N1/")
    theirs = outsider.api().get(URL + "N1/")

    assert mine.status_code == 200
    assert mine.json()["price"] == "15000.00"
    assert theirs.status_code == 404
