"""Items go to Accurate with their PPN: a taxable product names the store's PPN tax (`tax1Name`) when
the store named it; a basic necessity, or any product while no tax is named, carries no tax field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mapping.models import SyncSettings
from outlets.models import Product
from sync.product_push.mapper import item_payload
from sync.product_push.services import product_push_start
from tests.sync.push_helpers import run_to_the_end


def product(**fields: object) -> Product:
    base: dict[str, object] = {"pos_id": "P1", "sku": " SKU-1 ", "name": "Kopi", "price": Decimal("18000")}
    return Product(**{**base, **fields})


def test_a_taxable_product_names_the_stores_ppn_tax():
    assert item_payload(product(), "PPN 11%") == {
        "no": "SKU-1",
        "name": "Kopi",
        "itemType": "INVENTORY",
        "unit1Name": "PCS",
        "unitPrice": Decimal("18000"),
        "tax1Name": "PPN 11%",
    }


@pytest.mark.parametrize(
    ("taxable", "tax_name"),
    [(False, "PPN 11%"), (True, ""), (True, "   ")],
    ids=["a-basic-necessity", "no-tax-named", "a-blank-name"],
)
def test_no_tax_field_without_ppn_or_a_named_tax(taxable, tax_name):
    assert "tax1Name" not in item_payload(product(taxable=taxable), tax_name)


def test_a_push_sends_each_items_tax_as_the_store_set_it(tenant, connected, accurate_at):
    Product.objects.filter(pk=tenant.products[2].pk).update(taxable=False)
    SyncSettings.objects.create(store=tenant.store, tax_name="PPN")

    run_to_the_end(product_push_start(store=tenant.store, user=tenant.owner))

    items = {item["no"]: item["tax1Name"] for item in accurate_at.documents("item")}
    assert items == {"SKU-1": "PPN", "SKU-2": "PPN", "SKU-3": ""}
