"""Sales invoices, receipts and returns: exact totals, both body encodings, and what is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.accurate_sandbox.conftest import Api


def invoice(number: str = "JKT01-0001", **overrides: Any) -> dict[str, Any]:
    """2 × KOPI-1 at 18,000 less 10% and 1 × ROTI-1 at 12,500.50 less 500.50; delivery 5,000."""
    body: dict[str, Any] = {
        "number": number,
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "cashDiscount": "1000",
        "detailItem": [
            {"itemNo": "KOPI-1", "quantity": 2, "unitPrice": 18000, "itemDiscPercent": 10},
            {
                "itemNo": "ROTI-1",
                "quantity": "1",
                "unitPrice": "12500.50",
                "itemCashDiscount": "500.50",
                "warehouseName": "Gudang Bali",
                "detailNotes": "tanpa gula",
            },
        ],
        "detailExpense": [{"accountNo": "4102", "expenseName": "Service", "expenseAmount": "5000"}],
    }
    body.update(overrides)
    return body


@pytest.mark.usefixtures("items")
def test_an_invoice_stores_lines_and_its_total_to_the_rupiah(api: Api) -> None:
    record = api.saved("sales-invoice", invoice())
    # 32,400 + 12,000 = 44,400 − 1,000 cash discount + 5,000 expense
    assert record["subTotal"] == 44400
    assert record["totalAmount"] == 48400
    assert record["taxAmount"] == 0
    assert [(line["itemNo"], line["warehouseName"], line["totalPrice"]) for line in record["detailItem"]] == [
        ("KOPI-1", "Gudang Utama", 32400),
        ("ROTI-1", "Gudang Bali", 12000),
    ]
    assert record["detailItem"][1]["detailNotes"] == "tanpa gula"
    assert record["branchName"] == "Pusat"
    stored = api.sandbox.documents("sales-invoice")
    assert [(doc["id"], doc["number"], doc["totalAmount"]) for doc in stored] == [
        (record["id"], "JKT01-0001", 48400)
    ]
    assert api.sandbox.inspect()["stock"]["101"] == {
        "KOPI-1": {"Gudang Utama": -2},
        "ROTI-1": {"Gudang Bali": -1},
    }


def all_taxed(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with PPN on every item line (useTax1), as a taxed sale of taxable goods is sent."""
    return {**body, "detailItem": [{**line, "useTax1": True} for line in body["detailItem"]]}


@pytest.mark.usefixtures("items")
def test_tax_is_added_or_carved_out(api: Api) -> None:
    added = api.saved("sales-invoice", all_taxed(invoice("A", taxable=True, detailExpense=[])))
    assert (added["taxAmount"], added["totalAmount"]) == (4774, 48174)  # 11% of 43,400
    included = api.saved(
        "sales-invoice", all_taxed(invoice("B", taxable="true", inclusiveTax="true", detailExpense=[]))
    )
    # 43,400 − 43,400 / 1.11 = 4,300.90 (two decimals, half up); the total stays 43,400
    assert (included["taxAmount"], included["totalAmount"]) == (4300.9, 43400)


@pytest.mark.usefixtures("items")
def test_a_form_encoded_invoice_is_stored_like_the_json_one(api: Api) -> None:
    form = {
        "number": "FORM-1",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "cashDiscount": "1000",
        "detailItem[1].itemNo": "ROTI-1",
        "detailItem[1].quantity": "1",
        "detailItem[1].unitPrice": "12500.50",
        "detailItem[1].itemCashDiscount": "500.50",
        "detailItem[1].warehouseName": "Gudang Bali",
        "detailItem[1].detailNotes": "tanpa gula",
        "detailItem[0].itemNo": "KOPI-1",
        "detailItem[0].quantity": "2",
        "detailItem[0].unitPrice": "18000",
        "detailItem[0].itemDiscPercent": "10",
        "detailExpense[0].accountNo": "4102",
        "detailExpense[0].expenseName": "Service",
        "detailExpense[0].expenseAmount": "5000",
    }
    reply = api.post("sales-invoice", "save", data=form).json()
    assert reply["s"] is True, reply
    from_json = api.saved("sales-invoice", invoice("JSON-1"))

    def comparable(record: dict[str, Any]) -> dict[str, Any]:
        lines = [{k: v for k, v in line.items() if k != "id"} for line in record["detailItem"]]
        rest = {k: v for k, v in record.items() if k not in {"id", "number", "detailItem", "detailExpense"}}
        return {**rest, "detailItem": lines}

    assert comparable(reply["r"]) == comparable(from_json)


@pytest.mark.usefixtures("items")
def test_money_keeps_six_decimals_and_refuses_seven(api: Api) -> None:
    line = {"itemNo": "KOPI-1", "quantity": "3", "unitPrice": "0.123456"}
    record = api.saved("sales-invoice", invoice("D6", detailItem=[line], detailExpense=[], cashDiscount=0))
    assert Decimal(str(record["totalAmount"])) == Decimal("0.370368")
    line["unitPrice"] = "0.1234567"
    reply = api.save("sales-invoice", invoice("D7", detailItem=[line]))
    assert reply == {"s": False, "d": ["Invalid field value for field unitPrice"]}


@pytest.mark.usefixtures("items")
def test_a_second_invoice_with_the_same_number_is_refused_and_counted(api: Api) -> None:
    api.saved("sales-invoice", invoice())
    reply = api.save("sales-invoice", invoice())
    assert reply == {"s": False, "d": ["Sudah ada data lain dengan No JKT01-0001"]}
    assert len(api.sandbox.documents("sales-invoice")) == 1
    assert api.sandbox.inspect()["counters"]["duplicate_numbers_refused"] == 1


@pytest.mark.usefixtures("items")
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"customerNo": "C-NOPE"}, "Pelanggan dengan No C-NOPE tidak ditemukan"),
        ({"branchName": "Cabang Lombok"}, "Cabang Cabang Lombok tidak ditemukan"),
        ({"branchName": ""}, "Cabang harus diisi"),
        ({"transDate": "2026-11-20"}, "Invalid field value for field transDate"),
        (
            {"transDate": "31/12/2023"},
            "Tanggal transaksi tidak boleh sebelum tanggal mulai pembukuan 01/01/2024",
        ),
        ({"detailItem": [{"itemNo": "NOPE", "quantity": 1}]}, "Barang dengan kode NOPE tidak ditemukan"),
        (
            {"detailItem": [{"itemNo": "KOPI-1", "quantity": 1, "warehouseName": "Gudang X"}]},
            "Gudang Gudang X tidak ditemukan",
        ),
        (
            {"detailExpense": [{"accountNo": "9999", "expenseAmount": 1}]},
            "Akun dengan No 9999 tidak ditemukan",
        ),
        ({"detailItem": []}, "Rincian detailItem harus diisi"),
    ],
)
def test_an_invoice_with_a_bad_field_is_refused(api: Api, change: dict[str, Any], message: str) -> None:
    assert api.save("sales-invoice", invoice(**change)) == {"s": False, "d": [message]}
    assert api.sandbox.documents("sales-invoice") == []


@pytest.mark.usefixtures("items")
def test_the_branch_can_be_given_by_id(api: Api) -> None:
    branches = api.get("branch", "list", fields="name").json()["d"]
    bali = next(branch for branch in branches if branch["name"] == "Cabang Bali")
    record = api.saved("sales-invoice", invoice(branchName="", branchId=bali["id"]))
    assert (record["branchName"], record["branchId"]) == ("Cabang Bali", bali["id"])


@pytest.mark.usefixtures("items")
def test_an_update_replaces_the_lines_and_the_stock(api: Api) -> None:
    first = api.saved("sales-invoice", invoice())
    kept = {**first["detailItem"][0], "quantity": 5}
    updated = api.saved("sales-invoice", {"id": first["id"], "detailItem": [kept]})
    assert updated["number"] == "JKT01-0001"
    assert [(line["id"], line["quantity"]) for line in updated["detailItem"]] == [(kept["id"], 5)]
    assert updated["totalAmount"] == 5 * 16200 - 1000 + 5000
    assert api.sandbox.inspect()["stock"]["101"] == {"KOPI-1": {"Gudang Utama": -5}}


@pytest.mark.usefixtures("items")
def test_detail_by_id_and_by_number_and_a_missing_one(api: Api) -> None:
    record = api.saved("sales-invoice", invoice())
    assert api.detail("sales-invoice", id=record["id"]) == {"s": True, "d": record}
    assert api.detail("sales-invoice", number="JKT01-0001") == {"s": True, "d": record}
    assert api.detail("sales-invoice", number="NOPE") == {"s": False, "d": ["Data tidak ditemukan"]}


@pytest.mark.usefixtures("items")
def test_delete_removes_the_invoice_and_its_stock(api: Api) -> None:
    record = api.saved("sales-invoice", invoice())
    assert api.post("sales-invoice", "delete", data={"id": record["id"]}).json() == {
        "s": True,
        "d": ["Data berhasil dihapus"],
    }
    assert api.detail("sales-invoice", id=record["id"]) == {"s": False, "d": ["Data tidak ditemukan"]}
    assert api.sandbox.inspect()["stock"] == {}
    again = api.post("sales-invoice", "delete", data={"id": record["id"]}).json()
    assert again == {"s": False, "d": ["Data tidak ditemukan"]}


@pytest.mark.usefixtures("items")
def test_a_receipt_pays_an_invoice_into_a_cash_account(api: Api) -> None:
    api.saved("sales-invoice", invoice())
    body = {
        "number": "RCV-1",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "bankNo": "1103",
        "paymentMethod": "QRIS",
        "chequeAmount": "48400",
        "detailInvoice": [{"invoiceNo": "JKT01-0001", "paymentAmount": "48400"}],
    }
    record = api.saved("sales-receipt", body)
    assert (record["bankNo"], record["paymentMethod"], record["totalAmount"]) == ("1103", "QRIS", 48400)
    assert api.save("sales-receipt", {**body, "number": "RCV-2", "bankNo": "4101"}) == {
        "s": False,
        "d": ["Akun 4101 bukan akun Kas/Bank"],
    }
    missing = {**body, "number": "RCV-3", "detailInvoice": [{"invoiceNo": "NOPE", "paymentAmount": "1"}]}
    assert api.save("sales-receipt", missing) == {
        "s": False,
        "d": ["Faktur Penjualan dengan No NOPE tidak ditemukan"],
    }


@pytest.mark.usefixtures("items")
def test_a_return_against_an_invoice_brings_the_goods_back(api: Api) -> None:
    api.saved("sales-invoice", invoice())
    body = {
        "number": "RET-1",
        "transDate": "21/11/2026",
        "invoiceNumber": "JKT01-0001",
        "branchName": "Pusat",
        "detailItem": [{"itemNo": "KOPI-1", "quantity": 1, "unitPrice": 16200}],
    }
    record = api.saved("sales-return", body)
    assert (record["customerNo"], record["totalAmount"]) == ("C-WALKIN", 16200)
    assert api.sandbox.inspect()["stock"]["101"]["KOPI-1"] == {"Gudang Utama": -1}
    refused = api.save("sales-return", {**body, "number": "RET-2", "invoiceNumber": "NOPE"})
    assert refused == {"s": False, "d": ["Faktur Penjualan dengan No NOPE tidak ditemukan"]}


@pytest.mark.usefixtures("items")
def test_bulk_save_answers_can_leave_the_total_out(api: Api) -> None:
    api.sandbox.faults(answer_totals=False)
    reply = api.post("sales-invoice", "bulk-save", json={"data": [invoice()]}).json()
    assert reply["s"] is True and reply["d"][0]["r"]["number"] == "JKT01-0001"
    assert "totalAmount" not in reply["d"][0]["r"]
    assert api.sandbox.documents("sales-invoice")[0]["totalAmount"] == 48400
