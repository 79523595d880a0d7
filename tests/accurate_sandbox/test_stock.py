"""Transfers through transit, adjustments, stock takes by target quantity, and other deposits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accurate_sandbox.conftest import Api

pytestmark = pytest.mark.usefixtures("items")


def stock(api: Api) -> dict[str, dict[str, int]]:
    return dict(api.sandbox.inspect()["stock"].get("101", {}))


def adjustment(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": "ADJ-1",
        "transDate": "20/11/2026",
        "adjustmentAccountNo": "5101",
        "branchName": "Pusat",
        "detailItem": [
            {
                "itemAdjustmentType": "ADJUSTMENT_IN",
                "itemNo": "KOPI-1",
                "quantity": 10,
                "unitCost": "7000.25",
            },
            {
                "itemAdjustmentType": "ADJUSTMENT_OUT",
                "itemNo": "KOPI-2",
                "quantity": 2,
                "warehouseName": "Gudang Bali",
            },
        ],
    }
    body.update(overrides)
    return body


def test_an_adjustment_moves_stock_in_and_out(api: Api) -> None:
    record = api.saved("item-adjustment", adjustment())
    assert record["totalAmount"] == 70002.5
    assert stock(api) == {"KOPI-1": {"Gudang Utama": 10}, "KOPI-2": {"Gudang Bali": -2}}
    refused = api.save("item-adjustment", adjustment(number="ADJ-2", adjustmentAccountNo="5999"))
    assert refused == {"s": False, "d": ["Akun dengan No 5999 tidak ditemukan"]}


def test_an_adjustment_of_a_service_is_refused(api: Api) -> None:
    lines = [{"itemAdjustmentType": "ADJUSTMENT_IN", "itemNo": "JASA-1", "quantity": 1}]
    assert api.save("item-adjustment", adjustment(detailItem=lines)) == {
        "s": False,
        "d": ["Barang JASA-1 bukan barang persediaan"],
    }


def test_target_quantity_sets_the_counted_stock(api: Api) -> None:
    api.saved("item-adjustment", adjustment())
    body = {
        "transDate": "21/11/2026",
        "adjustmentAccountNo": "5101",
        "branchName": "Pusat",
        "detail[0].itemNo": "KOPI-1",
        "detail[0].targetQuantity": "7",
        "detail[0].warehouseName": "Gudang Utama",
        "detail[1].itemNo": "KOPI-2",
        "detail[1].targetQuantity": "4",
        "detail[1].warehouseName": "Gudang Bali",
        "detail[2].itemNo": "ROTI-1",
        "detail[2].targetQuantity": "0",
    }
    reply = api.post("item-adjustment", "save-target-quantity", data=body).json()
    assert reply["s"] is True, reply
    lines = [
        (line["itemNo"], line["itemAdjustmentType"], line["quantity"]) for line in reply["r"]["detailItem"]
    ]
    assert lines == [("KOPI-1", "ADJUSTMENT_OUT", 3), ("KOPI-2", "ADJUSTMENT_IN", 6)]
    assert reply["r"]["number"] == "IA.00001"
    assert stock(api) == {"KOPI-1": {"Gudang Utama": 7}, "KOPI-2": {"Gudang Bali": 4}}


def test_a_transfer_goes_out_to_transit_and_in_from_it(api: Api) -> None:
    api.saved("item-adjustment", adjustment(detailItem=[{"itemNo": "KOPI-1", "quantity": 10}]))
    out = {
        "number": "TRF-1-OUT",
        "transDate": "20/11/2026",
        "itemTransferType": "TRANSFER_OUT",
        "branchName": "Pusat",
        "warehouseName": "Gudang Utama",
        "referenceWarehouseName": "Transit",
        "detailItem": [{"itemNo": "KOPI-1", "quantity": 4}],
    }
    api.saved("item-transfer", out)
    assert stock(api) == {"KOPI-1": {"Gudang Utama": 6, "Transit": 4}}
    received = {
        "number": "TRF-1-IN",
        "transDate": "21/11/2026",
        "itemTransferType": "TRANSFER_IN",
        "branchName": "Cabang Bali",
        "warehouseName": "Gudang Bali",
        "fromItemTransferNo": "TRF-1-OUT",
        "detailItem": [{"itemNo": "KOPI-1", "quantity": 4}],
    }
    record = api.saved("item-transfer", received)
    assert record["referenceWarehouseName"] == "Transit"
    assert stock(api) == {"KOPI-1": {"Gudang Utama": 6, "Transit": 0, "Gudang Bali": 4}}
    orphan = {**received, "number": "TRF-2-IN", "fromItemTransferNo": "NOPE"}
    assert api.save("item-transfer", orphan) == {
        "s": False,
        "d": ["Pemindahan Barang keluar dengan No NOPE tidak ditemukan"],
    }


def test_a_deposit_adds_up_its_lines(api: Api) -> None:
    body = {
        "number": "DEP-1",
        "transDate": "20/11/2026",
        "bankNo": "1101",
        "payee": "Budi",
        "branchName": "Cabang Bali",
        "detailAccount": [
            {"accountNo": "2104", "amount": "150000", "expenseName": "Uang muka"},
            {"accountNo": "6102", "amount": "0.5"},
        ],
    }
    record = api.saved("other-deposit", body)
    assert (record["bankNo"], record["payee"], record["totalAmount"]) == ("1101", "Budi", 150000.5)
    assert api.sandbox.documents("other-deposit") == [record]
    assert api.save("other-deposit", {**body, "number": "DEP-2", "bankNo": "2104"}) == {
        "s": False,
        "d": ["Akun 2104 bukan akun Kas/Bank"],
    }
