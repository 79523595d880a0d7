"""Export Product: an .xlsx for Accurate's item import (Inventory → Goods & Services → import).

The workbook is streamed row by row into a temporary file (mapping/products/xlsx.py), reading products
and stock with server-side cursors, so memory stays flat whatever the size of the catalogue. The file is
recorded as an export (who, when, options, which products) once it is complete.

With initial stock, a product gets one row per warehouse holding it: the product's columns repeat and
Gudang / Kuantitas / Harga Satuan change, which is how Accurate's import reads several opening
balances of one item (its column-mapping step maps one column to each meaning, see docs/accurate.md).
A product with no stock in any mapped warehouse still gets one row, with those three cells empty.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from iseller_accurate.db import insert_rows
from mapping.models import ProductExport, ProductExported
from mapping.products.checks import product_problems_message
from mapping.products.xlsx import SheetWriter, Value
from outlets.models import OutletStock, Product, Store

HEADERS = [
    "Kode Barang",
    "Nama Barang",
    "Jenis Barang",
    "Kategori Barang",
    "Satuan",
    "Harga Jual",
    "UPC/Barcode",
    "No. Seri",
]
SHEET_NAME = "Barang dan Jasa"
STOCK_HEADERS = ["Gudang", "Kuantitas", "Harga Satuan/Cost"]
# Accurate's names for the item types (itemType INVENTORY, SERVICE, NON_INVENTORY).
ITEM_TYPES = {
    Product.ItemType.INVENTORY: "Persediaan",
    Product.ItemType.SERVICE: "Jasa",
    Product.ItemType.NON_INVENTORY: "Non Persediaan",
}
CHUNK = 2000
INSERT_CHUNK = 20_000
CENT = Decimal("0.01")
# Excel holds numbers as doubles: exact up to 15 significant digits.
EXCEL_DIGITS = 15


class ProductsNotReady(Exception):
    """Products cannot go to Accurate yet; the message says what to fix."""


class NothingToExport(Exception):
    """No product matches the options: no file is made and no export recorded; the message says why."""


@dataclass(frozen=True)
class ExportOptions:
    only_new: bool = False
    include_stock: bool = False

    def as_json(self) -> dict[str, bool]:
        return {"only_new": self.only_new, "include_stock": self.include_stock}


@dataclass(frozen=True)
class ExportFile:
    export: ProductExport
    file: IO[bytes]  # positioned at 0; closing it deletes it
    filename: str


def products_to_export(store: Store, options: ExportOptions) -> QuerySet[Product]:
    products = Product.objects.filter(store=store, active=True)
    if options.only_new:
        products = products.exclude(Exists(ProductExported.objects.filter(product=OuterRef("pk"))))
    return products.order_by("pk")


@dataclass(frozen=True)
class Stock:
    product_id: int
    warehouse: str
    quantity: Decimal
    unit_cost: Decimal


def stock_rows(store: Store, products: QuerySet[Product]) -> Iterator[Stock]:
    """Positive on-hand stock per product and mapped warehouse of the store's active outlets, by
    product. Two outlets mapped to one warehouse add up, at their quantity-weighted cost."""
    rows = (
        OutletStock.objects.filter(
            outlet__store=store,
            outlet__accurate_mapping__active=True,
            product__in=products.values("pk"),
            quantity__gt=0,
        )
        .exclude(outlet__accurate_mapping__warehouse_name="")
        .values("product_id", warehouse=F("outlet__accurate_mapping__warehouse_name"))
        .annotate(quantity_sum=Sum("quantity"), value=Sum(F("quantity") * F("unit_cost")))
        .order_by("product_id", "warehouse")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        quantity = row["quantity_sum"]
        yield Stock(row["product_id"], row["warehouse"], quantity, (row["value"] / quantity).quantize(CENT))


def number(value: Decimal) -> Decimal | str:
    """A number Excel keeps exactly; beyond its precision the digits go as text, so none is lost."""
    return value if len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS else str(value)


def product_cells(product: dict[str, Any]) -> list[Value]:
    return [
        product["sku"].strip(),
        product["name"],
        ITEM_TYPES.get(product["item_type"], "Persediaan"),
        product["category"],
        product["unit"],
        number(product["price"]),
        product["barcode"],
        "Ya" if product["has_serial_number"] else "Tidak",
    ]


def write_rows(sheet: SheetWriter, store: Store, options: ExportOptions, exported: list[int]) -> None:
    """Stream the products (and their stock) into the sheet; the exported product ids go to `exported`."""
    products = products_to_export(store, options)
    fields = ("pk", "sku", "name", "item_type", "category", "unit", "price", "barcode", "has_serial_number")
    stock = stock_rows(store, products) if options.include_stock else iter(())
    pending = next(stock, None)
    for product in products.values(*fields).iterator(chunk_size=CHUNK):
        exported.append(product["pk"])
        # Both streams are ordered by product id: skip stock of products not exported, take this one's.
        while pending is not None and pending.product_id < product["pk"]:
            pending = next(stock, None)
        cells = product_cells(product)
        wrote = False
        while pending is not None and pending.product_id == product["pk"]:
            sheet.append([*cells, pending.warehouse, number(pending.quantity), number(pending.unit_cost)])
            wrote = True
            pending = next(stock, None)
        if not wrote:
            sheet.append(cells)


def products_export(*, store: Store, user: User | None, options: ExportOptions) -> ExportFile:
    """Build the import file and record the export. Raises ProductsNotReady while SKUs need fixing,
    NothingToExport when no product matches (a header-only file would import nothing)."""
    problems = product_problems_message(store)
    if problems is not None:
        raise ProductsNotReady(problems)
    exported: list[int] = []
    # Not a context manager: the file outlives this call, and the response closes (deletes) it.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        with SheetWriter(file, SHEET_NAME, columns=len(HEADERS) + len(STOCK_HEADERS)) as sheet:
            sheet.append(HEADERS + (STOCK_HEADERS if options.include_stock else []))
            write_rows(sheet, store, options, exported)
        if not exported:
            raise NothingToExport(nothing_to_export_message(store, options))
        file.seek(0)
        with transaction.atomic():
            export = ProductExport.objects.create(
                store=store, user=user, options=options.as_json(), count=len(exported)
            )
            # In chunks of plain rows (arrays on PostgreSQL): 100,000 model instances would not stay small.
            for start in range(0, len(exported), INSERT_CHUNK):
                chunk = exported[start : start + INSERT_CHUNK]
                insert_rows(ProductExported, [{"export_id": export.pk, "product_id": pk} for pk in chunk])
    except BaseException:
        file.close()
        raise
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M%S")
    return ExportFile(export=export, file=file, filename=f"accurate-barang-{store.slug}-{stamp}.xlsx")


def nothing_to_export_message(store: Store, options: ExportOptions) -> str:
    last = last_product_export(store)
    if options.only_new and last is not None:
        at = timezone.localtime(last.created_at, ZoneInfo(store.time_zone)).strftime("%Y-%m-%d %H:%M")
        return _(
            "No product is new since the last export (%(at)s); choose “Every active product” to export "
            "every product again."
        ) % {"at": at}
    return _("The store has no active product to export.")


def last_product_export(store: Store) -> ProductExport | None:
    return ProductExport.objects.filter(store=store).select_related("user").order_by("-created_at").first()
