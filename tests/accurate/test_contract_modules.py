"""Contract: every module the sync will use, through the client, against the live sandbox.

One sale's life as the sync engine will post it: items, a customer, a branch and warehouse, the
invoice, its receipt, a return, a transfer out and in, an adjustment, a stock take and a deposit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accurate import AccurateError, ErrorKind

from .contract import connect

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def client(sandbox_module):
    sandbox_module.reset()
    client = connect(sandbox_module).client
    results = client.bulk_save(
        "item",
        [
            {"no": "KOPI-1", "name": "Kopi Susu", "itemType": "INVENTORY", "unit1Name": "CUP"},
            {"no": "ROTI-1", "name": "Roti Bakar", "itemType": "INVENTORY", "unit1Name": "PCS"},
        ],
    )
    assert [r.ok for r in results] == [True, True]
    return client


def stock(sandbox):
    return sandbox.inspect()["stock"]["101"]


def test_master_data_is_listed_created_and_read(client):
    branches = list(client.list("branch", fields=["id", "name"]))
    warehouses = {w["name"] for w in client.list("warehouse", fields=["id", "name"])}
    customer = client.save("customer", {"customerNo": "C-0001", "name": "Budi"})
    branch = client.save("branch", {"name": "Cabang Bandung"})
    warehouse = client.save("warehouse", {"name": "Gudang Bandung"})

    assert [b["name"] for b in branches] == ["Pusat", "Cabang Bali"]
    assert {"Gudang Utama", "Gudang Bali", "Transit"} <= warehouses
    assert client.detail("customer", id=customer.id)["name"] == "Budi"
    assert client.detail("branch", id=branch.id)["name"] == "Cabang Bandung"
    assert client.detail("warehouse", id=warehouse.id)["name"] == "Gudang Bandung"
    cash = list(client.list("glaccount", fields=["no", "accountType"], filters={"no": "1101"}))
    assert cash == [{"id": cash[0]["id"], "no": "1101", "accountType": "CASH_BANK"}]
    assert client.detail("item", number="KOPI-1")["name"] == "Kopi Susu"


def test_a_sale_its_receipt_and_its_return(client, sandbox_module):
    invoice = client.save(
        "sales-invoice",
        {
            "number": "JKT01-ORD-1",
            "transDate": DAY,
            "customerNo": "C-WALKIN",
            "branchName": "Pusat",
            "detailItem": [
                {
                    "itemNo": "KOPI-1",
                    "quantity": Decimal("2"),
                    "unitPrice": Decimal("18000"),
                    "warehouseName": "Gudang Utama",
                },
                {
                    "itemNo": "ROTI-1",
                    "quantity": Decimal("1"),
                    "unitPrice": Decimal("15000"),
                    "itemCashDiscount": Decimal("1000"),
                    "warehouseName": "Gudang Utama",
                },
            ],
        },
    )
    receipt = client.save(
        "sales-receipt",
        {
            "number": "JKT01-ORD-1-QRIS",
            "transDate": DAY,
            "customerNo": "C-WALKIN",
            "branchName": "Pusat",
            "bankNo": "1102",
            "paymentMethod": "QRIS",
            "chequeAmount": Decimal("50000"),
            "detailInvoice": [{"invoiceNo": "JKT01-ORD-1", "paymentAmount": Decimal("50000")}],
        },
    )
    sales_return = client.save(
        "sales-return",
        {
            "number": "JKT01-RF-1",
            "transDate": DAY + dt.timedelta(days=1),
            "invoiceNumber": "JKT01-ORD-1",
            "branchName": "Pusat",
            "detailItem": [
                {
                    "itemNo": "KOPI-1",
                    "quantity": Decimal("1"),
                    "unitPrice": Decimal("18000"),
                    "warehouseName": "Gudang Utama",
                }
            ],
        },
    )

    assert client.detail("sales-invoice", id=invoice.id)["totalAmount"] == Decimal("50000")
    assert client.detail("sales-receipt", number="JKT01-ORD-1-QRIS")["id"] == receipt.id
    assert client.detail("sales-return", id=sales_return.id)["totalAmount"] == Decimal("18000")
    assert stock(sandbox_module) == {"KOPI-1": {"Gudang Utama": -1}, "ROTI-1": {"Gudang Utama": -1}}


def test_stock_moves_transfer_adjustment_and_stock_take(client, sandbox_module):
    client.save(
        "item-adjustment",
        {
            "number": "JKT01-ADJ-1",
            "transDate": DAY,
            "adjustmentAccountNo": "5101",
            "branchName": "Pusat",
            "detailItem": [
                {
                    "itemAdjustmentType": "ADJUSTMENT_IN",
                    "itemNo": "KOPI-1",
                    "quantity": Decimal("10"),
                    "unitCost": Decimal("7000"),
                    "warehouseName": "Gudang Utama",
                },
            ],
        },
    )
    client.save(
        "item-transfer",
        {
            "number": "JKT01-TR-1-OUT",
            "transDate": DAY,
            "itemTransferType": "TRANSFER_OUT",
            "branchName": "Pusat",
            "warehouseName": "Gudang Utama",
            "referenceWarehouseName": "Transit",
            "detailItem": [{"itemNo": "KOPI-1", "quantity": Decimal("4")}],
        },
    )
    client.save(
        "item-transfer",
        {
            "number": "JKT01-TR-1-IN",
            "transDate": DAY,
            "itemTransferType": "TRANSFER_IN",
            "branchName": "Cabang Bali",
            "warehouseName": "Gudang Bali",
            "fromItemTransferNo": "JKT01-TR-1-OUT",
            "detailItem": [{"itemNo": "KOPI-1", "quantity": Decimal("4")}],
        },
    )
    counted = client.save_target_quantity(
        {
            "transDate": DAY,
            "adjustmentAccountNo": "5101",
            "branchName": "Pusat",
            "detail": [{"itemNo": "KOPI-1", "targetQuantity": Decimal("5"), "warehouseName": "Gudang Utama"}],
        }
    )

    assert counted.id > 0
    assert stock(sandbox_module) == {"KOPI-1": {"Gudang Utama": 5, "Transit": 0, "Gudang Bali": 4}}


def test_a_deposit_and_a_delete(client, sandbox_module):
    deposit = client.save(
        "other-deposit",
        {
            "number": "JKT01-DP-1",
            "transDate": DAY,
            "bankNo": "1101",
            "payee": "Budi",
            "branchName": "Pusat",
            "detailAccount": [
                {"accountNo": "2104", "amount": Decimal("250000.50"), "expenseName": "Uang muka"}
            ],
        },
    )
    assert client.detail("other-deposit", id=deposit.id)["totalAmount"] == Decimal("250000.5")

    client.delete("other-deposit", deposit.id)

    with pytest.raises(AccurateError) as caught:
        client.detail("other-deposit", id=deposit.id)
    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.not_found, False)
    assert sandbox_module.documents("other-deposit") == []


def test_a_reference_accurate_does_not_have_is_a_validation_error(client):
    with pytest.raises(AccurateError) as caught:
        client.save(
            "sales-invoice",
            {
                "number": "JKT01-ORD-9",
                "transDate": DAY,
                "customerNo": "C-WALKIN",
                "branchName": "Pusat",
                "detailItem": [{"itemNo": "NOPE-1", "quantity": Decimal("1"), "unitPrice": Decimal("1")}],
            },
        )

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.validation, False)
    assert caught.value.messages == ["Barang dengan kode NOPE-1 tidak ditemukan"]


def test_a_database_with_two_branches_needs_the_branch(client):
    with pytest.raises(AccurateError) as caught:
        client.save(
            "other-deposit",
            {
                "number": "JKT01-DP-2",
                "transDate": DAY,
                "bankNo": "1101",
                "detailAccount": [{"accountNo": "2104", "amount": Decimal("1")}],
            },
        )

    assert caught.value.kind is ErrorKind.validation
