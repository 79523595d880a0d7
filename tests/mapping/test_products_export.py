"""Export Product: the .xlsx for Accurate's item import read back cell by cell, initial stock per
mapped warehouse, the only-new option, the export record, who may export, and store scoping."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from zipfile import ZipFile
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from mapping.models import AddOn, OutletMapping, ProductExport, ProductExported
from mapping.products.export import ExportOptions, NothingToExport, ProductsNotReady, products_export
from outlets.models import OutletStock, Product
from outlets.services.stores import outlet_create

pytestmark = pytest.mark.django_db

EXPORT = "/apps/accurate/products/export/"
HEADERS = (
    "Kode Barang",
    "Nama Barang",
    "Jenis Barang",
    "Kategori Barang",
    "Satuan",
    "Harga Jual",
    "UPC/Barcode",
    "No. Seri",
)
STOCK_HEADERS = ("Gudang", "Kuantitas", "Harga Satuan/Cost")
KOPI = [
    ("SKU-1", "Kopi 1", "Persediaan", None, "PCS", 10000, None, "Tidak"),
    ("SKU-2", "Kopi 2", "Persediaan", None, "PCS", 20000, None, "Tidak"),
    ("SKU-3", "Kopi 3", "Persediaan", None, "PCS", 30000, None, "Tidak"),
]


def rows_of(content: bytes) -> list[tuple]:
    # Not read-only: rows come back padded to the widest one, so an empty stock cell reads as None.
    book = load_workbook(BytesIO(content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def export_rows(tenant, **options) -> list[tuple]:
    built = products_export(store=tenant.store, user=tenant.owner, options=ExportOptions(**options))
    with built.file:
        return rows_of(built.file.read())


def warehouse(outlet, name, *, active=True):
    return OutletMapping.objects.create(
        outlet=outlet, warehouse_name=name, branch_name="Pusat", active=active
    )


def stock(outlet, product, quantity, unit_cost):
    OutletStock.objects.create(
        outlet=outlet, product=product, quantity=Decimal(quantity), unit_cost=Decimal(unit_cost)
    )


def test_the_file_has_the_indonesian_headers_and_a_row_per_product(tenant):
    assert export_rows(tenant) == [HEADERS, *KOPI]


def test_each_column_carries_accurates_meaning_exactly(tenant):
    Product.objects.create(
        store=tenant.store,
        pos_id="S1",
        sku="  JASA-1 ",
        name="=Cuci gelas",  # must stay text, never a formula
        item_type=Product.ItemType.SERVICE,
        category="Layanan",
        unit="JAM",
        price=Decimal("12345.67"),
        barcode="8991234567890",
        has_serial_number=True,
    )
    Product.objects.create(
        store=tenant.store, pos_id="S2", sku="BAG", name="Tas", item_type=Product.ItemType.NON_INVENTORY
    )
    Product.objects.create(store=tenant.store, pos_id="S3", sku="", name="Lama", active=False)

    rows = export_rows(tenant)

    assert rows[4:] == [
        ("JASA-1", "=Cuci gelas", "Jasa", "Layanan", "JAM", 12345.67, "8991234567890", "Ya"),
        ("BAG", "Tas", "Non Persediaan", None, "PCS", 0, None, "Tidak"),
    ]


def test_money_is_written_with_its_exact_digits(tenant):
    Product.objects.filter(pk=tenant.products[0].pk).update(price=Decimal("1234567890123.45"))
    warehouse(tenant.outlet, "Gudang Jakarta")
    stock(tenant.outlet, tenant.products[0], "3", "3333.33")

    built = products_export(store=tenant.store, user=tenant.owner, options=ExportOptions(include_stock=True))
    with built.file, ZipFile(built.file) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()

    assert '<c r="F2" t="n"><v>1234567890123.45</v></c>' in sheet
    assert '<c r="J2" t="n"><v>3</v></c><c r="K2" t="n"><v>3333.33</v></c>' in sheet


def test_an_amount_beyond_excels_precision_goes_as_text_with_every_digit(tenant):
    Product.objects.filter(pk=tenant.products[0].pk).update(price=Decimal("1234567890123456.78"))

    rows = export_rows(tenant)

    assert rows[1][5] == "1234567890123456.78"


def test_with_stock_each_product_gets_a_row_per_mapped_warehouse(tenant):
    kopi1, kopi2, _ = tenant.products
    warehouse(tenant.outlet, "Gudang Jakarta")
    warehouse(tenant.other_outlet, "Gudang Bali")
    stock(tenant.outlet, kopi1, "12", "4000")
    stock(tenant.other_outlet, kopi1, "3.5", "4100.50")
    stock(tenant.other_outlet, kopi2, "0", "8000")  # nothing on hand: no opening balance
    stock(tenant.outlet, kopi2, "-2", "8000")  # negative: no opening balance either

    rows = export_rows(tenant, include_stock=True)

    assert rows == [
        HEADERS + STOCK_HEADERS,
        (*KOPI[0], "Gudang Bali", 3.5, 4100.5),
        (*KOPI[0], "Gudang Jakarta", 12, 4000),
        KOPI[1] + (None, None, None),
        KOPI[2] + (None, None, None),
    ]


def test_outlets_not_active_in_accurate_give_no_stock(tenant):
    warehouse(tenant.outlet, "Gudang Jakarta", active=False)
    stock(tenant.outlet, tenant.products[0], "5", "4000")

    rows = export_rows(tenant, include_stock=True)

    assert rows[1] == KOPI[0] + (None, None, None)


def test_two_outlets_of_one_warehouse_add_up_at_their_weighted_cost(tenant):
    third = outlet_create(store=tenant.store, code="JKT02", name="Jakarta Barat")
    warehouse(tenant.outlet, "Gudang Jakarta")
    warehouse(third, "Gudang Jakarta")
    stock(tenant.outlet, tenant.products[0], "1", "4000")
    stock(third, tenant.products[0], "3", "5000")

    rows = export_rows(tenant, include_stock=True)

    assert rows[1] == (*KOPI[0], "Gudang Jakarta", 4, 4750)


def test_the_export_is_recorded_with_who_when_options_and_which_products(tenant):
    built = products_export(
        store=tenant.store, user=tenant.owner, options=ExportOptions(only_new=False, include_stock=True)
    )
    built.file.close()

    export = ProductExport.objects.get()
    assert (export.store, export.user, export.count) == (tenant.store, tenant.owner, 3)
    assert export.options == {"only_new": False, "include_stock": True}
    assert export.created_at is not None
    assert set(ProductExported.objects.values_list("export", "product")) == {
        (export.pk, product.pk) for product in tenant.products
    }
    assert built.filename.startswith("accurate-barang-kopi-") and built.filename.endswith(".xlsx")


def test_only_new_leaves_out_products_exported_before(tenant):
    export_rows(tenant)
    teh = Product.objects.create(
        store=tenant.store, pos_id="T1", sku="TEH-1", name="Teh", price=Decimal(7000)
    )

    rows = export_rows(tenant, only_new=True)

    assert rows == [HEADERS, ("TEH-1", "Teh", "Persediaan", None, "PCS", 7000, None, "Tidak")]
    latest = ProductExport.objects.latest("pk")
    assert latest.count == 1 and latest.options["only_new"] is True
    assert list(ProductExported.objects.filter(export=latest).values_list("product", flat=True)) == [teh.pk]


def test_only_new_with_nothing_new_makes_no_file_and_records_nothing(tenant):
    first = products_export(store=tenant.store, user=tenant.owner, options=ExportOptions())
    first.file.close()
    ProductExport.objects.filter(pk=first.export.pk).update(
        created_at=datetime(2026, 11, 20, 2, 30, tzinfo=UTC)  # 09:30 in Jakarta
    )

    with pytest.raises(NothingToExport) as nothing:
        products_export(store=tenant.store, user=tenant.owner, options=ExportOptions(only_new=True))

    assert str(nothing.value) == (
        "No product is new since the last export (2026-11-20 09:30); choose “Every active product” to "
        "export every product again."
    )
    assert list(ProductExport.objects.values_list("count", flat=True)) == [3]
    assert ProductExported.objects.count() == 3


def test_a_store_without_active_products_has_nothing_to_export(tenant):
    Product.objects.filter(store=tenant.store).update(active=False)

    for options in (ExportOptions(), ExportOptions(only_new=True, include_stock=True)):
        with pytest.raises(NothingToExport, match=r"^The store has no active product to export\.$"):
            products_export(store=tenant.store, user=tenant.owner, options=options)
    assert not ProductExport.objects.exists()


def test_everything_exports_again_what_was_exported_before(tenant):
    export_rows(tenant)

    assert export_rows(tenant) == [HEADERS, *KOPI]


def test_the_service_refuses_while_skus_need_fixing(tenant):
    Product.objects.create(store=tenant.store, pos_id="N1", sku=" ", name="Tanpa SKU")

    with pytest.raises(ProductsNotReady, match="1 product has no SKU"):
        products_export(store=tenant.store, user=tenant.owner, options=ExportOptions())
    assert not ProductExport.objects.exists()


def test_another_stores_products_and_stock_never_appear(tenant, outsider):
    Product.objects.create(store=outsider.store, pos_id="X1", sku="ROTI-1", name="Roti")
    warehouse(outsider.outlet, "Gudang Roti")
    stock(outsider.outlet, outsider.products[0], "9", "1000")
    ProductExported.objects.create(
        export=ProductExport.objects.create(store=outsider.store, count=3), product=outsider.products[0]
    )

    assert export_rows(tenant, include_stock=True, only_new=True) == [
        HEADERS + STOCK_HEADERS,
        *((*row, None, None, None) for row in KOPI),
    ]


# --- the page ---


def test_the_owner_downloads_the_file(client, tenant):
    AddOn.objects.create(store=tenant.store)
    client.force_login(tenant.owner)

    response = client.post(EXPORT, {"scope": "all", "include_stock": "on"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="accurate-barang-kopi-')
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[0] == HEADERS + STOCK_HEADERS
    assert len(rows) == 4
    assert ProductExport.objects.get().options == {"only_new": False, "include_stock": True}


def test_the_page_passes_the_only_new_option(client, tenant):
    AddOn.objects.create(store=tenant.store)
    client.force_login(tenant.owner)
    client.post(EXPORT, {"scope": "all"})
    Product.objects.create(store=tenant.store, pos_id="T1", sku="TEH-1", name="Teh", price=Decimal(7000))

    response = client.post(EXPORT, {"scope": "new"})

    assert rows_of(b"".join(response.streaming_content)) == [
        HEADERS,
        ("TEH-1", "Teh", "Persediaan", None, "PCS", 7000, None, "Tidak"),
    ]


def test_only_new_with_nothing_new_answers_a_message_not_a_file(client, tenant):
    AddOn.objects.create(store=tenant.store)
    client.force_login(tenant.owner)
    client.post(EXPORT, {"scope": "all"})
    at = timezone.localtime(ProductExport.objects.get().created_at, ZoneInfo("Asia/Jakarta"))

    response = client.post(EXPORT, {"scope": "new"}, follow=True)

    assert response.redirect_chain == [("/apps/accurate/", 302)]
    assert response["Content-Type"].startswith("text/html")
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "info",
            f"No product is new since the last export ({at:%Y-%m-%d %H:%M}); choose “Every active product” "
            "to export every product again.",
        )
    ]
    html = response.content.decode()
    assert f"Last exported {at:%Y-%m-%d %H:%M} by kopi-owner: 3 products." in html
    assert ProductExport.objects.count() == 1


def test_staff_may_not_export(client, tenant):
    AddOn.objects.create(store=tenant.store)
    client.force_login(tenant.staff)

    response = client.post(EXPORT, {"scope": "all"})

    assert response.status_code == 403
    assert not ProductExport.objects.exists()


def test_export_needs_a_login_and_a_post(client, tenant):
    assert client.post(EXPORT).status_code == 302
    client.force_login(tenant.owner)
    assert client.get(EXPORT).status_code == 405
