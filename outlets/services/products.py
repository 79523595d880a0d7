"""The product catalogue: upsert by POS id, in bulk, with stock per outlet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from outlets.models import Outlet, OutletStock, Product, Store

from .errors import DocumentInvalid

PRODUCT_FIELDS = (
    "sku",
    "name",
    "barcode",
    "unit",
    "price",
    "cost",
    "item_type",
    "category",
    "taxable",
    "has_serial_number",
    "active",
)


@dataclass
class ProductResult:
    pos_id: str
    outcome: Literal["created", "updated", "unchanged"]
    product: Product


def products_upsert(*, store: Store, items: Sequence[Mapping[str, Any]]) -> list[ProductResult]:
    """Create or update products by POS id. All or nothing: one bad product stores none."""
    _check_unique_pos_ids(items)
    outlets = dict(Outlet.objects.filter(store=store).values_list("code", "id"))
    _check_stock_outlets(items, outlets)
    existing = {
        p.pos_id: p for p in Product.objects.filter(store=store, pos_id__in=[i["pos_id"] for i in items])
    }
    now = timezone.now()
    results: list[ProductResult] = []
    to_create: list[Product] = []
    to_update: list[Product] = []
    for item in items:
        product = existing.get(item["pos_id"])
        values = {name: item[name] for name in PRODUCT_FIELDS}
        if product is None:
            product = Product(store=store, pos_id=item["pos_id"], **values)
            to_create.append(product)
            results.append(ProductResult(item["pos_id"], "created", product))
        elif any(getattr(product, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(product, name, value)
            product.updated_at = now
            to_update.append(product)
            results.append(ProductResult(item["pos_id"], "updated", product))
        else:
            results.append(ProductResult(item["pos_id"], "unchanged", product))
    with transaction.atomic():
        Product.objects.bulk_create(to_create)
        Product.objects.bulk_update(to_update, [*PRODUCT_FIELDS, "updated_at"])
        _stock_upsert(items, results, outlets)
    return results


def product_item(product: Product, **changes: Any) -> dict[str, Any]:
    """A stored product as an item for `products_upsert`, with `changes` applied and its stock left
    as it is: how a page corrects a product through the same path as the POS (whose next post of
    the product then wins, as any later post does)."""
    item: dict[str, Any] = {"pos_id": product.pos_id, "stock": []}
    item.update({name: getattr(product, name) for name in PRODUCT_FIELDS})
    item.update(changes)
    return item


def _stock_upsert(
    items: Sequence[Mapping[str, Any]], results: list[ProductResult], outlets: dict[str, int]
) -> None:
    rows = [
        OutletStock(
            outlet_id=outlets[entry["outlet"]],
            product=result.product,
            quantity=entry["quantity"],
            unit_cost=entry["unit_cost"],
        )
        for item, result in zip(items, results, strict=True)
        for entry in item["stock"]
    ]
    if rows:
        OutletStock.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["outlet", "product"],
            update_fields=["quantity", "unit_cost", "updated_at"],
        )


def _check_unique_pos_ids(items: Sequence[Mapping[str, Any]]) -> None:
    first: dict[str, int] = {}
    errors: dict[str, str] = {}
    for index, item in enumerate(items):
        if item["pos_id"] in first:
            errors[f"products[{index}].pos_id"] = (
                f"POS id '{item['pos_id']}' is already used by products[{first[item['pos_id']]}]."
            )
        first.setdefault(item["pos_id"], index)
    if errors:
        raise DocumentInvalid(errors, "Each product may appear once per request; nothing was saved.")


def _check_stock_outlets(items: Sequence[Mapping[str, Any]], outlets: dict[str, int]) -> None:
    errors = {
        f"products[{index}].stock[{j}].outlet": f"Unknown outlet '{entry['outlet']}' in this store."
        for index, item in enumerate(items)
        for j, entry in enumerate(item["stock"])
        if entry["outlet"] not in outlets
    }
    if errors:
        raise DocumentInvalid(errors, "Stock names outlets this store does not have; nothing was saved.")
