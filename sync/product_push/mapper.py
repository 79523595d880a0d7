"""Product → Accurate item payload. Pure: no I/O, tested alone."""

from __future__ import annotations

from typing import Any

from outlets.models import Product

ITEM_TYPES = {
    Product.ItemType.INVENTORY: "INVENTORY",
    Product.ItemType.SERVICE: "SERVICE",
    Product.ItemType.NON_INVENTORY: "NON_INVENTORY",
}


def item_payload(product: Product, tax_name: str = "") -> dict[str, Any]:
    """The `item/bulk-save.do` record of a product: its code is the SKU as Accurate compares it.

    The price stays a Decimal: the client's encoder writes it exactly, never through a float.
    Barcode and category are sent only when set; Accurate puts an item without a category in its
    default one ("Umum"). [U] Whether real Accurate refuses a category it does not know is not
    documented; the sandbox accepts any name.

    A taxable product carries its PPN as Accurate's items do, by the tax's name in `tax1Name` [U:
    the field is seen in public integrations' item payloads, not on Accurate's API page], when the
    store named its PPN tax (`tax_name`, Synchronization schedule settings). A non-taxable product
    (basic necessities), or any product while no tax is named, gets no tax field: an empty one could
    clear what the merchant set in Accurate. Sales lines carry their own flag (`useTax1`) either way.
    """
    record: dict[str, Any] = {
        "no": product.sku.strip(),
        "name": product.name,
        "itemType": ITEM_TYPES[Product.ItemType(product.item_type)],
        "unit1Name": product.unit,
        "unitPrice": product.price,
    }
    if product.barcode.strip():
        record["upcNo"] = product.barcode.strip()
    if product.category.strip():
        record["itemCategoryName"] = product.category.strip()
    if product.taxable and tax_name.strip():
        record["tax1Name"] = tax_name.strip()
    return record
