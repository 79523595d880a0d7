"""Branches, warehouses, accounts and customers from Accurate, kept per connection."""

import pytest

from accurate import AccurateError
from mapping.models import AccurateList
from mapping.selectors import accurate_list
from mapping.services.lists import accurate_lists_refresh, branch_create, warehouse_create

pytestmark = pytest.mark.django_db


def without_ids(rows):
    assert all(isinstance(row["id"], int) for row in rows)
    return [{key: value for key, value in row.items() if key != "id"} for row in rows]


def test_the_lists_are_fetched_once_and_kept(connected, accurate_at):
    requests_before = accurate_at.inspect()["counters"]["requests"]

    branches = accurate_list(connected, AccurateList.Kind.BRANCH)
    requests_after_fetch = accurate_at.inspect()["counters"]["requests"]
    accurate_list(connected, AccurateList.Kind.GLACCOUNT)
    accurate_list(connected, AccurateList.Kind.BRANCH)

    assert requests_after_fetch == requests_before + 4  # one page of each list
    assert accurate_at.inspect()["counters"]["requests"] == requests_after_fetch
    assert without_ids(branches) == [
        {"name": "Pusat", "suspended": False},
        {"name": "Cabang Bali", "suspended": False},
    ]
    assert without_ids(accurate_list(connected, AccurateList.Kind.WAREHOUSE)) == [
        {"name": "Gudang Utama", "suspended": False, "transit": False},
        {"name": "Gudang Bali", "suspended": False, "transit": False},
        {"name": "Transit", "suspended": False, "transit": True},
    ]
    accounts = accurate_list(connected, AccurateList.Kind.GLACCOUNT)
    assert [(a["no"], a["accountType"]) for a in accounts][:3] == [
        ("1101", "CASH_BANK"),
        ("1102", "CASH_BANK"),
        ("1103", "CASH_BANK"),
    ]
    assert len(accounts) == 13
    assert without_ids(accounts)[0] == {
        "no": "1101",
        "name": "Kas",
        "accountType": "CASH_BANK",
        "suspended": False,
    }
    assert without_ids(accurate_list(connected, AccurateList.Kind.CUSTOMER)) == [
        {"no": "C-WALKIN", "name": "Pelanggan Umum"}
    ]


def test_refresh_replaces_the_kept_lists(connected):
    accurate_list(connected, AccurateList.Kind.BRANCH)
    AccurateList.objects.filter(connection=connected, kind="branch").update(rows=[])

    accurate_lists_refresh(connection=connected)

    assert [b["name"] for b in accurate_list(connected, AccurateList.Kind.BRANCH)] == ["Pusat", "Cabang Bali"]


def test_a_branch_and_a_warehouse_are_created_in_accurate_and_kept(connected, accurate_at):
    accurate_lists_refresh(connection=connected)

    branch = branch_create(connection=connected, name="  Cabang Bandung ")
    warehouse = warehouse_create(connection=connected, name="Gudang Bandung")

    assert without_ids([branch]) == [{"name": "Cabang Bandung", "suspended": False}]
    assert without_ids([warehouse]) == [{"name": "Gudang Bandung", "suspended": False, "transit": False}]
    assert [(d["id"], d["name"]) for d in accurate_at.documents("branch")][-1] == (
        branch["id"],
        "Cabang Bandung",
    )
    assert [(d["id"], d["name"]) for d in accurate_at.documents("warehouse")][-1] == (
        warehouse["id"],
        "Gudang Bandung",
    )
    assert accurate_list(connected, AccurateList.Kind.BRANCH)[-1] == branch
    assert accurate_list(connected, AccurateList.Kind.WAREHOUSE)[-1] == warehouse


def test_accurates_refusal_of_a_new_branch_comes_back_as_its_message(connected, accurate_at):
    accurate_lists_refresh(connection=connected)

    with pytest.raises(AccurateError) as error:
        branch_create(connection=connected, name="Pusat")

    assert str(error.value) == "Accurate: Sudah ada data lain dengan Nama Cabang Pusat"
    assert [b["name"] for b in accurate_list(connected, AccurateList.Kind.BRANCH)] == ["Pusat", "Cabang Bali"]
