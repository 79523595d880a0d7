"""Items, customers, branches, warehouses and accounts: list fields, filters, paging and saves."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accurate_sandbox.conftest import Api


def test_list_without_fields_returns_only_ids(api: Api) -> None:
    reply = api.get("warehouse", "list").json()
    assert reply["s"] is True
    assert [set(row) for row in reply["d"]] == [{"id"}, {"id"}, {"id"}]
    assert reply["sp"] == {"page": 1, "pageSize": 20, "pageCount": 1, "rowCount": 3}


def test_list_returns_the_named_fields_and_ignores_unknown_ones(api: Api) -> None:
    rows = api.get("warehouse", "list", fields="name,transit,nonsense").json()["d"]
    assert [(row["name"], row["transit"]) for row in rows] == [
        ("Gudang Utama", False),
        ("Gudang Bali", False),
        ("Transit", True),
    ]
    assert all(set(row) == {"id", "name", "transit"} for row in rows)


def test_the_seeded_accounts_and_their_types(api: Api) -> None:
    params = {
        "fields": "no,name,accountType",
        "filter.accountType.op": "EQUAL",
        "filter.accountType.val[0]": "CASH_BANK",
    }
    rows = api.get("glaccount", "list", **params).json()["d"]
    assert [(row["no"], row["name"]) for row in rows] == [
        ("1101", "Kas"),
        ("1102", "Bank BCA"),
        ("1103", "Kas iSellerPay (clearing)"),
    ]


@pytest.mark.usefixtures("items")
def test_paging_and_filters(api: Api) -> None:
    page = api.get("item", "list", fields="no", **{"sp.page": "2", "sp.pageSize": "3"}).json()
    assert [row["no"] for row in page["d"]] == ["JASA-1"]
    assert page["sp"] == {"page": 2, "pageSize": 3, "pageCount": 2, "rowCount": 4}
    cheap = {"fields": "no", "filter.unitPrice.op": "LESS_THAN", "filter.unitPrice.val[0]": "15000"}
    assert [row["no"] for row in api.get("item", "list", **cheap).json()["d"]] == ["ROTI-1", "JASA-1"]
    between = {"fields": "no", "filter.unitPrice.op": "BETWEEN", "filter.unitPrice.val[0]": "12500.50"}
    between["filter.unitPrice.val[1]"] = "15000"
    assert [row["no"] for row in api.get("item", "list", **between).json()["d"]] == ["KOPI-2", "ROTI-1"]
    contain = {"fields": "no", "filter.name.op": "CONTAIN", "filter.name.val[0]": "kopi"}
    assert [row["no"] for row in api.get("item", "list", **contain).json()["d"]] == ["KOPI-1", "KOPI-2"]
    unknown = api.get("item", "list", **{"filter.name.op": "LIKE"}).json()
    assert unknown == {"s": False, "d": ["Operator filter LIKE tidak dikenal"]}


def test_an_item_code_longer_than_30_characters_is_refused(api: Api) -> None:
    assert api.save("item", {"no": "X" * 31, "name": "Panjang"}) == {
        "s": False,
        "d": ["Kode Barang maksimal 30 karakter"],
    }
    record = api.saved("item", {"no": "X" * 30, "name": "Pas"})
    assert record["no"] == "X" * 30


def test_an_item_stores_its_fields(api: Api) -> None:
    body = {
        "no": "SKU-9",
        "name": "Teh",
        "itemType": "INVENTORY",
        "unit1Name": "GLS",
        "unitPrice": "9000.75",
        "upcNo": "899",
        "itemCategoryName": "Minuman",
    }
    record = api.saved("item", body)
    assert record == {**body, "id": record["id"], "unitPrice": 9000.75, "suspended": False, "tax1Name": ""}
    taxed = api.saved("item", {"no": "SKU-10", "name": "Kopi", "tax1Name": "PPN 11%"})
    assert taxed["tax1Name"] == "PPN 11%"
    assert api.save("item", {"no": "SKU-9", "name": "Lagi"}) == {
        "s": False,
        "d": ["Sudah ada data lain dengan Kode Barang SKU-9"],
    }


@pytest.mark.parametrize(
    ("module", "body", "key"),
    [
        ("branch", {"name": "Cabang Lombok"}, "name"),
        ("warehouse", {"name": "Gudang Lombok", "description": "outlet LOM1"}, "name"),
        ("customer", {"customerNo": "C-0001", "name": "Budi", "email": "budi@example.com"}, "customerNo"),
    ],
)
def test_masters_can_be_created_and_read_back(api: Api, module: str, body: dict[str, Any], key: str) -> None:
    record = api.saved(module, body)
    assert {name: record[name] for name in body} == body
    assert api.detail(module, **{key: body[key]}) == {"s": True, "d": record}


def test_a_customer_without_a_number_is_numbered(api: Api) -> None:
    assert api.saved("customer", {"name": "Ani"})["customerNo"] == "C.00001"


def test_an_unknown_module_or_action_is_404(api: Api) -> None:
    assert api.get("purchase-order", "list").status_code == 404
    assert api.get("item", "export").status_code == 404
    assert api.get("item", "save").status_code == 405


def test_an_item_with_another_items_barcode_is_refused_naming_the_barcode(api: Api) -> None:
    first = api.saved("item", {"no": "KOPI-1", "name": "Kopi", "upcNo": "8990001"})
    # Updating the item keeps its own barcode: no clash with itself.
    assert api.saved("item", {"id": first["id"], "name": "Kopi Susu"})["upcNo"] == "8990001"

    refused = api.save("item", {"no": "TEH-1", "name": "Teh", "upcNo": "8990001"})

    assert refused == {"s": False, "d": ["Sudah ada data lain dengan UPC/Barcode 8990001"]}
    assert [row["no"] for row in api.get("item", "list", fields="no").json()["d"]] == ["KOPI-1"]
