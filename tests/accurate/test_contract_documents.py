"""Contract: the client's data calls against the live sandbox."""

import datetime as dt
from decimal import Decimal

import pytest

from accurate import AccurateError, ErrorKind

from .contract import connect


@pytest.fixture
def connected(sandbox_module):
    sandbox_module.reset()
    connected = connect(sandbox_module)
    connected.client.save(
        "item",
        {
            "no": "KOPI-1",
            "name": "Kopi Susu",
            "itemType": "INVENTORY",
            "unit1Name": "PCS",
            "unitPrice": Decimal("18000"),
        },
    )
    return connected


def invoice(number, *, item="KOPI-1", price=Decimal("12345.678901")):
    return {
        "number": number,
        "transDate": dt.date(2026, 11, 20),
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "detailItem": [
            {"itemNo": item, "quantity": Decimal("2"), "unitPrice": price, "warehouseName": "Gudang Utama"}
        ],
    }


def test_list_pages_through_every_account(connected):
    small_pages = list(connected.client.list("glaccount", fields=["id", "no", "name"], page_size=5))
    one_page = list(connected.client.list("glaccount", fields=["id", "no", "name"], page_size=100))

    assert small_pages == one_page
    assert len(small_pages) == 13
    assert len({row["id"] for row in small_pages}) == 13
    assert {"id": 6, "no": "1101", "name": "Kas"} in small_pages


def test_an_invoice_is_saved_and_read_back_exactly(connected, sandbox_module):
    saved = connected.client.save("sales-invoice", invoice("JKT01-ORD-0001"))

    record = connected.client.detail("sales-invoice", number="JKT01-ORD-0001")

    assert (saved.number, record["id"]) == ("JKT01-ORD-0001", saved.id)
    assert record["transDate"] == "20/11/2026"
    assert record["detailItem"][0]["unitPrice"] == Decimal("12345.678901")
    assert record["totalAmount"] == Decimal("24691.357802")
    assert [d["number"] for d in sandbox_module.documents("sales-invoice")] == ["JKT01-ORD-0001"]


def test_a_number_used_twice_is_refused_and_found_by_number(connected, sandbox_module):
    first = connected.client.save("sales-invoice", invoice("JKT01-ORD-0002"))

    with pytest.raises(AccurateError) as caught:
        connected.client.save("sales-invoice", invoice("JKT01-ORD-0002"))

    assert (caught.value.kind, caught.value.number, caught.value.retryable) == (
        ErrorKind.duplicate_number,
        "JKT01-ORD-0002",
        False,
    )
    assert connected.client.detail("sales-invoice", number="JKT01-ORD-0002")["id"] == first.id
    assert len(sandbox_module.documents("sales-invoice")) == 1


def test_bulk_save_answers_each_record_in_order(connected, sandbox_module):
    connected.client.save("sales-invoice", invoice("JKT01-ORD-0011"))
    records = [
        invoice("JKT01-ORD-0010"),
        invoice("JKT01-ORD-0011"),
        invoice("JKT01-ORD-0012", item="NO-SUCH-SKU"),
        invoice("JKT01-ORD-0013"),
    ]

    results = connected.client.bulk_save("sales-invoice", records)

    assert [(r.ok, r.number, r.error.kind if r.error else None) for r in results] == [
        (True, "JKT01-ORD-0010", None),
        (False, "JKT01-ORD-0011", ErrorKind.duplicate_number),
        (False, "JKT01-ORD-0012", ErrorKind.validation),
        (True, "JKT01-ORD-0013", None),
    ]
    assert results[1].error.number == "JKT01-ORD-0011"
    assert sorted(d["number"] for d in sandbox_module.documents("sales-invoice")) == [
        "JKT01-ORD-0010",
        "JKT01-ORD-0011",
        "JKT01-ORD-0013",
    ]


def test_a_record_accurate_does_not_have_is_not_found(connected):
    with pytest.raises(AccurateError) as caught:
        connected.client.detail("sales-invoice", number="JKT01-ORD-9999")

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.not_found, False)


def test_list_filters_by_number(connected):
    connected.client.save("sales-invoice", invoice("JKT01-ORD-0021"))
    connected.client.save("sales-invoice", invoice("JKT01-ORD-0022"))

    rows = list(
        connected.client.list("sales-invoice", fields=["id", "number"], filters={"number": "JKT01-ORD-0022"})
    )

    assert [row["number"] for row in rows] == ["JKT01-ORD-0022"]


def test_an_update_with_the_id_changes_the_document_and_adds_none(connected, sandbox_module):
    saved = connected.client.save("sales-invoice", invoice("JKT01-ORD-0031"))

    connected.client.save(
        "sales-invoice", {**invoice("JKT01-ORD-0031", price=Decimal("15000")), "id": saved.id}
    )

    assert connected.client.detail("sales-invoice", id=saved.id)["totalAmount"] == Decimal("30000")
    assert len(sandbox_module.documents("sales-invoice")) == 1
