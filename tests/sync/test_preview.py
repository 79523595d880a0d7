"""The preview: what an outlet's documents become in Accurate, planned by the sync's own mappers with
the mapping as saved (active or not), on the outlet mapping page and a row's details page. Nothing
is sent; a document that cannot be mapped names the problem instead."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mapping.models import AccurateList, Connection, SyncSettings
from mapping.services.outlets import outlet_mapping_save
from outlets.models import Product
from sync.models import SyncActivity
from sync.preview import outlet_preview
from sync.preview.layout import ShownDocument, Table
from tests.mapping.test_outlet_mapping import COMPLETE
from tests.mapping.test_pages import connection_for, outlet_url
from tests.sync.engine_helpers import post

pytestmark = pytest.mark.django_db

ACTIVITY = "/apps/accurate/activity/"
# Two lines (one with its own discount), a discount on the whole sale, PPN added at 11 % of
# 37,000, the POS's rounding of 30, paid by cash and QRIS.
SALE = {
    "number": "ORD-0001",
    "ordered_at": "2026-11-20T23:30:00+07:00",
    "lines": [
        {"product": "P1", "quantity": "2", "unit_price": "10000"},
        {"product": "P2", "quantity": "1", "unit_price": "20000", "discount": "2000"},
    ],
    "order_discount": "1000",
    "tax": "4070",
    "rounding": "30",
    "total": "41100",
    "payments": [{"method": "cash", "amount": "20000"}, {"method": "qris", "amount": "21100"}],
}


@pytest.fixture
def mapped(tenant: Any) -> Any:
    """The store connected (Accurate's lists kept), JKT01's mapping saved but NOT active."""
    connection = connection_for(tenant)
    customers = [{"id": 1, "no": "C-WALKIN", "name": "Pelanggan Umum"}]
    AccurateList.objects.create(
        connection=connection, kind="customer", rows=customers, fetched_at=timezone.now()
    )
    SyncSettings.objects.create(
        store=tenant.store, walk_in_customer_no="C-WALKIN", transit_warehouse_name="Transit"
    )
    outlet_mapping_save(outlet=tenant.outlet, data=COMPLETE)
    return tenant


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, testid: str) -> str:
    found = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', html, re.S)
    assert found, testid
    return found.group(0)


def documents(html: str) -> dict[str, str]:
    """Each previewed document's number → its text."""
    found = re.findall(r'<article class="preview-doc"[^>]*data-number="([^"]+)">(.*?)</article>', html, re.S)
    return {number: text(body) for number, body in found}


def test_a_sale_becomes_its_invoice_and_a_receipt_per_payment_method(mapped):
    post(mapped, "orders/", SALE)

    preview = outlet_preview(mapped.store, mapped.outlet.pk)

    assert preview.mapped
    [row] = preview.rows
    assert (row.activity.kind, row.activity.pos_number, row.problem, row.waits_for) == (
        "order",
        "ORD-0001",
        "",
        "",
    )
    invoice, cash, qris = row.documents
    assert invoice == ShownDocument(
        "Sales invoice",
        "JKT01-ORD-0001",
        facts=[
            ("Date", "20/11/2026"),
            ("Branch", "Pusat"),
            ("Customer", "C-WALKIN · Pelanggan Umum"),
            ("Description", "iSeller JKT01 ORD-0001"),
            ("Tax", "PPN, added to the prices"),
        ],
        tables=[
            Table(
                "Items",
                ["Item no", "Quantity", "Unit price", "Discount", "Amount", "PPN", "Warehouse"],
                [
                    ["SKU-1", "2", Decimal(10000), Decimal(0), Decimal(20000), "Yes", "Gudang Utama"],
                    ["SKU-2", "1", Decimal(20000), Decimal(2000), Decimal(18000), "Yes", "Gudang Utama"],
                ],
                frozenset({2, 3, 4}),
            ),
            Table(
                "Expenses",
                ["Account", "Name", "Amount"],
                [["6102 · Selisih Pembulatan", "Rounding", Decimal("30")]],
                frozenset({2}),
            ),
        ],
        totals=[
            ("Discount on the whole sale", Decimal("1000")),
            ("PPN (expected)", Decimal("4070.00")),
            ("Total", Decimal("41100")),
        ],
    )
    assert (cash.kind, cash.number, qris.number) == (
        "Sales receipt",
        "JKT01-ORD-0001-CASH",
        "JKT01-ORD-0001-QRIS",
    )
    assert cash.facts == [
        ("Date", "20/11/2026"),
        ("Branch", "Pusat"),
        ("Customer", "C-WALKIN · Pelanggan Umum"),
        ("Cash/bank account", "1102 · Kas"),
        ("Payment method", "CASH_OTHER"),
        ("Description", "iSeller JKT01 ORD-0001 Cash"),
    ]
    assert cash.tables == [
        Table(
            "Invoices paid",
            ["Sales invoice", "Amount paid"],
            [["JKT01-ORD-0001", Decimal("20000")]],
            frozenset({1}),
        )
    ]
    assert cash.totals == [("Total", Decimal("20000"))]
    assert dict(qris.facts)["Cash/bank account"] == "1103 · Bank BCA"
    assert qris.totals == [("Total", Decimal("21100"))]
    # Nothing was sent or changed: the row is still held, untried.
    activity = SyncActivity.objects.get(store=mapped.store, kind="order")
    assert (activity.status, activity.attempts, activity.due_at) == ("pending", 0, None)


def test_the_outlet_page_shows_the_preview_before_activation(client, mapped):
    post(mapped, "orders/", SALE)
    client.force_login(mapped.owner)

    html = client.get(outlet_url(mapped.outlet)).content.decode()

    preview = section(html, "preview")
    assert "What your sales will look like in Accurate" in preview
    shown = documents(preview)
    assert list(shown) == ["JKT01-ORD-0001", "JKT01-ORD-0001-CASH", "JKT01-ORD-0001-QRIS"]
    assert shown["JKT01-ORD-0001"] == (
        "Sales invoice JKT01-ORD-0001 "
        "Date 20/11/2026 Branch Pusat Customer C-WALKIN · Pelanggan Umum "
        "Description iSeller JKT01 ORD-0001 Tax PPN, added to the prices "
        "Items Item no Quantity Unit price Discount Amount PPN Warehouse "
        "SKU-1 2 Rp 10.000 Rp 0 Rp 20.000 Yes Gudang Utama "
        "SKU-2 1 Rp 20.000 Rp 2.000 Rp 18.000 Yes Gudang Utama "
        "Expenses Account Name Amount 6102 · Selisih Pembulatan Rounding Rp 30 "
        "Discount on the whole sale Rp 1.000 PPN (expected) Rp 4.070 Total Rp 41.100"
    )
    assert shown["JKT01-ORD-0001-QRIS"] == (
        "Sales receipt JKT01-ORD-0001-QRIS "
        "Date 20/11/2026 Branch Pusat Customer C-WALKIN · Pelanggan Umum "
        "Cash/bank account 1103 · Bank BCA Payment method QRIS Description iSeller JKT01 ORD-0001 QRIS "
        "Invoices paid Sales invoice Amount paid JKT01-ORD-0001 Rp 21.100 Total Rp 21.100"
    )


def test_the_preview_uses_the_mapping_as_saved_now(client, mapped):
    post(mapped, "orders/", SALE)
    changed = {"branch_name": "Cabang Baru", "payments": {"cash": "1101"}}
    outlet_mapping_save(outlet=mapped.outlet, data=changed)

    [row] = outlet_preview(mapped.store, mapped.outlet.pk).rows

    invoice, cash, _qris = row.documents
    assert dict(invoice.facts)["Branch"] == "Cabang Baru"
    assert dict(cash.facts)["Cash/bank account"] == "1101 · Kas Kecil"


def test_the_latest_three_sales_and_the_latest_of_each_other_kind_are_shown(mapped):
    for number in ("ORD-1", "ORD-2", "ORD-3", "ORD-4"):
        post(mapped, "orders/", {**SALE, "number": number})
    refund = {
        "number": "R-1",
        "order": "ORD-1",
        "refunded_at": "2026-11-21T09:00:00+07:00",
        "reason": "Rusak",
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }
    post(mapped, "refunds/", refund)
    transfer = {
        "number": "T-1",
        "to_outlet": "BALI1",
        "sent_at": "2026-11-20T08:00:00+07:00",
        "lines": [{"product": "P1", "quantity": "5"}],
    }
    post(mapped, "transfers/", transfer)
    adjustment = {
        "number": "A-1",
        "adjusted_at": "2026-11-20T08:00:00+07:00",
        "reason": "Barang rusak",
        "lines": [{"product": "P1", "quantity": "-2", "unit_cost": "4000"}],
    }
    post(mapped, "adjustments/", adjustment)
    stock_take = {
        "number": "ST-1",
        "counted_at": "2026-11-20T20:00:00+07:00",
        "lines": [{"product": "P2", "counted_quantity": "12"}],
    }
    post(mapped, "stock-takes/", stock_take)
    deposit = {
        "number": "D-1",
        "kind": "customer_deposit",
        "received_at": "2026-11-20T08:00:00+07:00",
        "amount": "500000",
        "payment_method": "cash",
        "customer_name": "Budi",
    }
    post(mapped, "deposits/", deposit)

    rows = outlet_preview(mapped.store, mapped.outlet.pk).rows

    assert [(row.activity.kind, row.activity.pos_number) for row in rows] == [
        ("order", "ORD-4"),
        ("order", "ORD-3"),
        ("order", "ORD-2"),
        ("refund", "R-1"),
        ("transfer_out", "T-1"),
        ("adjustment", "A-1"),
        ("stock_take", "ST-1"),
        ("deposit", "D-1"),
    ]
    by_kind = {row.activity.kind: row for row in rows}
    returned, paid_back = by_kind["refund"].documents
    assert by_kind["refund"].waits_for == "sales invoice JKT01-ORD-1"
    assert (returned.kind, returned.number, returned.totals) == (
        "Sales return",
        "JKT01-R-1",
        [("PPN (expected)", Decimal("990.99")), ("Total", Decimal("10000"))],
    )
    assert dict(returned.facts)["Sales invoice"] == "JKT01-ORD-1"
    assert (paid_back.kind, paid_back.number) == ("Other payment", "JKT01-R-1-OUT")
    assert paid_back.tables[0].rows == [["1201 · Piutang Usaha", "Refund R-1", Decimal("10000")]]
    [sent] = by_kind["transfer_out"].documents
    assert (sent.kind, sent.number) == ("Item transfer", "JKT01-T-1-OUT")
    assert dict(sent.facts)["Transit warehouse"] == "Transit"
    assert sent.tables[0].rows == [["SKU-1", "5"]]
    [adjusted] = by_kind["adjustment"].documents
    assert dict(adjusted.facts)["Adjustment account"] == "5101 · Penyesuaian Persediaan"
    assert adjusted.tables[0].columns == ["In / out", "Item no", "Quantity", "Unit cost", "Warehouse"]
    assert adjusted.tables[0].rows == [["Out", "SKU-1", "2", Decimal("4000"), "Gudang Utama"]]
    [counted] = by_kind["stock_take"].documents
    assert (counted.kind, counted.number) == ("Stock take (counted quantities)", "JKT01-ST-1-ST")
    assert counted.tables[0].rows == [["SKU-2", "12", "Gudang Utama"]]
    [deposited] = by_kind["deposit"].documents
    assert (deposited.kind, deposited.number, deposited.totals) == (
        "Other deposit",
        "JKT01-D-1",
        [("Total", Decimal("500000"))],
    )
    assert dict(deposited.facts)["Cash/bank account"] == "1102 · Kas"
    assert deposited.tables[0].rows == [["2104 · Uang Muka Pelanggan", "Customer deposit", Decimal("500000")]]


def test_mapping_problems_are_named_instead_of_documents(client, mapped):
    post(mapped, "orders/", {**SALE, "number": "ORD-1"})
    wallet = {
        "number": "ORD-2",
        "ordered_at": "2026-11-20T23:40:00+07:00",
        "lines": [{"product": "P1", "quantity": "2", "unit_price": "10000"}],
        "total": "20000",
        "payments": [{"method": "e_wallet", "amount": "20000"}],
    }
    post(mapped, "orders/", wallet)
    # Its SKU taken away after the sale (an upsert from the POS would do the same).
    Product.objects.filter(store=mapped.store, pos_id="P2").update(sku="")
    client.force_login(mapped.owner)

    rows = outlet_preview(mapped.store, mapped.outlet.pk).rows
    html = section(client.get(outlet_url(mapped.outlet)).content.decode(), "preview")

    assert [(row.activity.pos_number, row.documents, row.problem) for row in rows] == [
        (
            "ORD-2",
            [],
            "Payment method E-wallet has no Accurate account for outlet JKT01: "
            "map it in Apps → Accurate → Outlet mapping.",
        ),
        (
            "ORD-1",
            [],
            "Product Kopi 2 (POS id P2) has no SKU: give it a SKU at the POS and export it to Accurate "
            "(Apps → Accurate → Product mapping).",
        ),
    ]
    problems = [text(p) for p in re.findall(r'data-testid="preview-problem">(.*?)</p>', html, re.S)]
    assert problems == [f"It cannot be sent as things are: {row.problem}" for row in rows]


def test_an_outlet_never_mapped_asks_for_a_save_and_another_stores_outlet_shows_nothing(
    client, mapped, outsider
):
    post(mapped, "orders/", SALE)
    client.force_login(mapped.owner)

    html = client.get(outlet_url(mapped.other_outlet)).content.decode()

    assert 'data-testid="preview-unsaved"' in section(html, "preview")
    assert outlet_preview(outsider.store, mapped.outlet.pk).mapped is False
    assert outlet_preview(mapped.store, outsider.outlet.pk).mapped is False


@pytest.mark.parametrize("status", ["pending", "running", "failed"])
def test_a_row_not_synced_yet_shows_what_it_will_be_sent_as(client, mapped, status):
    post(mapped, "orders/", SALE)
    activity = SyncActivity.objects.get(store=mapped.store, kind="order")
    SyncActivity.objects.filter(pk=activity.pk).update(status=status)
    client.force_login(mapped.staff)

    html = client.get(f"{ACTIVITY}{activity.pk}/").content.decode()

    preview = section(html, "preview")
    assert "Will be sent as" in preview
    assert list(documents(preview)) == ["JKT01-ORD-0001", "JKT01-ORD-0001-CASH", "JKT01-ORD-0001-QRIS"]
    assert documents(preview)["JKT01-ORD-0001-CASH"].endswith(
        "Invoices paid Sales invoice Amount paid JKT01-ORD-0001 Rp 20.000 Total Rp 20.000"
    )


@pytest.mark.parametrize("status", ["success", "difference", "cancelled"])
def test_a_synced_or_cancelled_row_shows_no_preview(client, mapped, status):
    post(mapped, "orders/", SALE)
    activity = SyncActivity.objects.get(store=mapped.store, kind="order")
    SyncActivity.objects.filter(pk=activity.pk).update(status=status, accurate_number="JKT01-ORD-0001")
    client.force_login(mapped.owner)

    html = client.get(f"{ACTIVITY}{activity.pk}/").content.decode()

    assert 'data-testid="preview"' not in html
    assert 'data-testid="attempts"' in html


def test_a_void_not_synced_yet_will_delete_the_receipts_then_the_invoice(client, mapped):
    post(mapped, "orders/", SALE)
    SyncActivity.objects.filter(kind="order").update(status="success", accurate_number="JKT01-ORD-0001")
    post(mapped, "orders/ORD-0001/void/", {"voided_at": "2026-11-21T08:00:00+07:00"}, expect=200)
    void = SyncActivity.objects.get(store=mapped.store, kind="order_void")
    client.force_login(mapped.owner)

    preview = section(client.get(f"{ACTIVITY}{void.pk}/").content.decode(), "preview")

    assert list(documents(preview).values()) == [
        "Sales receipt JKT01-ORD-0001-CASH Deleted in Accurate.",
        "Sales receipt JKT01-ORD-0001-QRIS Deleted in Accurate.",
        "Sales invoice JKT01-ORD-0001 Deleted in Accurate.",
    ]


def test_connection_lists_missing_shows_numbers_without_names(mapped):
    Connection.objects.filter(store=mapped.store).delete()
    post(mapped, "orders/", SALE)

    [row] = outlet_preview(mapped.store, mapped.outlet.pk).rows

    assert dict(row.documents[1].facts)["Cash/bank account"] == "1102"
