"""bulk-save.do: one result per record in request order, at most 100 records, JSON or form keys."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accurate_sandbox.conftest import Api

pytestmark = pytest.mark.usefixtures("items")


def invoice(number: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "number": number,
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "detailItem": [{"itemNo": "KOPI-2", "quantity": 1, "unitPrice": 15000}],
    }
    return {**body, **overrides}


def test_each_record_gets_its_result_in_order_and_one_failure_fails_the_call(api: Api) -> None:
    api.saved("sales-invoice", invoice("DUP"))
    data = [invoice("A"), invoice("DUP"), invoice("B", transDate="2026-11-20"), invoice("C")]
    reply = api.post("sales-invoice", "bulk-save", json={"data": data}).json()
    assert reply["s"] is False
    assert [(result["s"], result["d"]) for result in reply["d"]] == [
        (True, ["Data berhasil disimpan"]),
        (False, ["Sudah ada data lain dengan No DUP"]),
        (False, ["Invalid field value for field transDate"]),
        (True, ["Data berhasil disimpan"]),
    ]
    assert [reply["d"][0]["r"]["number"], reply["d"][3]["r"]["number"]] == ["A", "C"]
    assert [doc["number"] for doc in api.sandbox.documents("sales-invoice")] == ["DUP", "A", "C"]
    assert api.sandbox.inspect()["stock"]["101"] == {"KOPI-2": {"Gudang Utama": -3}}


def test_all_good_records_make_a_successful_call(api: Api) -> None:
    data = [invoice(f"N-{i:03d}") for i in range(100)]
    reply = api.post("sales-invoice", "bulk-save", json={"data": data}).json()
    assert reply["s"] is True
    assert len(reply["d"]) == 100
    assert api.sandbox.inspect()["documents"]["101"]["sales-invoice"] == 100


def test_more_than_100_records_are_refused_whole(api: Api) -> None:
    data = [invoice(f"N-{i:03d}") for i in range(101)]
    reply = api.post("sales-invoice", "bulk-save", json={"data": data}).json()
    assert reply == {"s": False, "d": ["Jumlah data dalam satu permintaan maksimal 100"]}
    assert api.sandbox.documents("sales-invoice") == []


def test_form_keys_with_data_indexes_are_read_as_records(api: Api) -> None:
    form = {
        "data[0].no": "F-1",
        "data[0].name": "Form Satu",
        "data[0].unitPrice": "1000.5",
        "data[1].no": "F-2",
        "data[1].name": "Form Dua",
    }
    reply = api.post("item", "bulk-save", data=form).json()
    assert reply["s"] is True
    assert [(r["r"]["no"], r["r"]["unitPrice"]) for r in reply["d"]] == [("F-1", 1000.5), ("F-2", 0)]
    nested = {
        "data[0].number": "FI-1",
        "data[0].transDate": "20/11/2026",
        "data[0].customerNo": "C-WALKIN",
        "data[0].branchName": "Pusat",
        "data[0].detailItem[0].itemNo": "F-1",
        "data[0].detailItem[0].quantity": "3",
        "data[0].detailItem[0].unitPrice": "1000.5",
    }
    invoices = api.post("sales-invoice", "bulk-save", data=nested).json()
    assert invoices["s"] is True
    assert invoices["d"][0]["r"]["totalAmount"] == 3001.5


def test_a_list_by_numbers_finds_exactly_those_documents_in_id_order(api: Api) -> None:
    for number in ("INV-3", "INV-1", "INV-2", "100"):
        api.saved("sales-invoice", invoice(number))
    params = {
        "fields": "number,totalAmount",
        "filter.number.op": "EQUAL",
        "filter.number.val[0]": "INV-2",
        "filter.number.val[1]": "INV-3",
        "filter.number.val[2]": "INV-9",
        "sp.pageSize": "100",
    }
    reply = api.get("sales-invoice", "list", **params).json()
    assert [(row["number"], row["totalAmount"]) for row in reply["d"]] == [("INV-3", 15000), ("INV-2", 15000)]
    assert reply["sp"] == {"page": 1, "pageSize": 100, "pageCount": 1, "rowCount": 2}
    # Numbers that read as numbers compare as numbers, as before: "100.0" finds "100".
    numeric = {"fields": "number", "filter.number.op": "EQUAL", "filter.number.val[0]": "100.0"}
    assert [row["number"] for row in api.get("sales-invoice", "list", **numeric).json()["d"]] == ["100"]
