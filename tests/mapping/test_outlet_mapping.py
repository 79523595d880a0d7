"""Outlet mapping services: defaults, saving, problems, activation with the fee, deactivation."""

from __future__ import annotations

from typing import Any

import pytest

from mapping.models import OutletMapping, PaymentAccount
from mapping.services.account_rules import mapping_defaults
from mapping.services.outlets import (
    FeeNotConfirmed,
    MappingIncomplete,
    mapping_problems,
    outlet_activate,
    outlet_deactivate,
    outlet_mapping_save,
    store_monthly_fee,
)
from outlets.selectors import payment_methods_used
from sync.models import SyncActivity

pytestmark = pytest.mark.django_db

ORDERS_URL = "/api/v1/outlets/JKT01/orders/"


def account(no, name, kind, suspended=False):
    return {"id": int(no), "no": no, "name": name, "accountType": kind, "suspended": suspended}


# A chart of accounts as an Indonesian shop has it, with near-misses for every default.
ACCOUNTS = [
    account("1101", "Kas Kecil", "CASH_BANK"),
    account("1102", "Kas", "CASH_BANK"),
    account("1103", "Bank BCA", "CASH_BANK"),
    account("1104", "Kas iSellerPay (clearing)", "CASH_BANK"),
    account("1105", "Bank Mandiri (lama)", "CASH_BANK", suspended=True),
    account("1201", "Piutang Usaha", "ACCOUNT_RECEIVABLE"),
    account("1301", "Persediaan", "INVENTORY"),
    account("1401", "PPN Masukan", "OTHER_CURRENT_ASSET"),
    account("2103", "PPN Keluaran", "OTHER_CURRENT_LIABILITY"),
    account("2104", "Uang Muka Pelanggan", "OTHER_CURRENT_LIABILITY"),
    account("4101", "Penjualan", "REVENUE"),
    account("4102", "Pendapatan Jasa/Service", "REVENUE"),
    account("4103", "Diskon Penjualan", "REVENUE"),
    account("5101", "Penyesuaian Persediaan", "COGS"),
    account("6101", "Biaya MDR", "EXPENSE"),
    account("6102", "Selisih Pembulatan", "EXPENSE"),
]
BRANCHES = [{"id": 1, "name": "Pusat", "suspended": False}, {"id": 2, "name": "Lama", "suspended": True}]
WAREHOUSES = [
    {"id": 1, "name": "Gudang Utama", "suspended": False, "transit": False},
    {"id": 3, "name": "Transit", "suspended": False, "transit": True},
]
METHODS = ["cash", "debit_card", "qris", "iseller_pay"]
LISTS = {"accounts": ACCOUNTS, "branches": BRANCHES, "warehouses": WAREHOUSES, "methods": METHODS}

COMPLETE: dict[str, Any] = {
    "branch_name": "Pusat",
    "warehouse_name": "Gudang Utama",
    "mdr_account_no": "6101",
    "payout_account_no": "1103",
    "refund_account_no": "1201",
    "sales_discount_account_no": "4103",
    "tax_account_no": "2103",
    "service_charge_account_no": "4102",
    "rounding_account_no": "6102",
    "adjustment_account_no": "5101",
    "deposit_account_no": "2104",
    "payments": {"cash": "1102", "debit_card": "1103", "qris": "1103", "iseller_pay": "1104"},
}


def saved(outlet, **changes):
    return outlet_mapping_save(outlet=outlet, data={**COMPLETE, **changes})


def test_defaults_pick_accounts_by_type_and_name(tenant):
    defaults = mapping_defaults(**LISTS)

    assert defaults == COMPLETE


def test_defaults_leave_isellerpay_without_a_clearing_account_empty_and_unknowns_empty():
    accounts = [account("1", "Cash", "CASH_BANK"), account("2", "BCA Giro", "CASH_BANK")]
    branches = [*BRANCHES, {"id": 3, "name": "Bali", "suspended": False}]

    defaults = mapping_defaults(
        accounts=accounts, branches=branches, warehouses=[], methods=["cash", "iseller_pay", "e_wallet"]
    )

    # A bank is not where iSellerPay money waits: the merchant creates a clearing account instead.
    assert defaults["payments"] == {"cash": "1", "iseller_pay": "", "e_wallet": "2"}
    assert defaults["payout_account_no"] == "2"
    assert (defaults["branch_name"], defaults["warehouse_name"]) == ("", "")
    assert defaults["tax_account_no"] == defaults["mdr_account_no"] == defaults["refund_account_no"] == ""


@pytest.mark.parametrize(
    "name", ["Kliring iSellerPay", "Dana Transit Kartu", "Clearing Account", "Kas iSeller Pay"]
)
def test_defaults_take_a_cash_or_bank_account_named_like_a_clearing_account_for_isellerpay(name):
    accounts = [
        account("1", "Kas", "CASH_BANK"),
        account("2", "Bank Mandiri", "CASH_BANK"),
        account("3", name, "CASH_BANK"),
        account("4", f"Biaya {name}", "EXPENSE"),
    ]

    defaults = mapping_defaults(accounts=accounts, branches=[], warehouses=[], methods=["cash"])

    # Offered whether or not the store took iSellerPay yet; cash and the payout bank avoid it.
    assert defaults["payments"] == {"cash": "1", "iseller_pay": "3"}
    assert defaults["payout_account_no"] == "2"


def test_defaults_take_the_mdr_fee_among_expenses_and_the_refund_account_among_receivables():
    accounts = [
        account("1", "Kas MDR", "CASH_BANK"),
        account("2", "Biaya Admin iSellerPay", "OTHER_EXPENSE"),
        account("3", "Piutang Karyawan", "OTHER_CURRENT_ASSET"),
        account("4", "Piutang Usaha", "ACCOUNT_RECEIVABLE"),
    ]

    defaults = mapping_defaults(accounts=accounts, branches=[], warehouses=[], methods=["cash"])

    assert (defaults["mdr_account_no"], defaults["refund_account_no"]) == ("2", "4")


def test_the_methods_a_store_uses_are_those_paid_with_plus_cash(tenant, outsider, order_body):
    payments = [{"method": "qris", "amount": "40000"}, {"method": "debit_card", "amount": "1800"}]
    assert tenant.api().post(ORDERS_URL, order_body(payments=payments), format="json").status_code == 201
    outsider_payments = [{"method": "iseller_pay", "amount": "41800"}]
    body = order_body(payments=outsider_payments)
    assert outsider.api().post(ORDERS_URL, body, format="json").status_code == 201

    assert payment_methods_used(tenant.store) == ["cash", "debit_card", "qris"]


def test_saving_writes_the_fields_and_one_payment_account_per_method(tenant):
    mapping = saved(tenant.outlet)

    mapping.refresh_from_db()
    assert (mapping.branch_name, mapping.tax_account_no, mapping.active) == ("Pusat", "2103", False)
    rows = PaymentAccount.objects.filter(mapping=mapping).order_by("method")
    assert [(row.method, row.account_no) for row in rows] == [
        ("cash", "1102"),
        ("debit_card", "1103"),
        ("iseller_pay", "1104"),
        ("qris", "1103"),
    ]


def test_saving_again_changes_and_removes_payment_accounts(tenant):
    saved(tenant.outlet)

    mapping = outlet_mapping_save(
        outlet=tenant.outlet, data={"tax_account_no": "2104", "payments": {"cash": "1101", "qris": ""}}
    )

    mapping.refresh_from_db()
    assert (mapping.branch_name, mapping.tax_account_no) == ("Pusat", "2104")
    rows = PaymentAccount.objects.filter(mapping=mapping).order_by("method")
    assert [(row.method, row.account_no) for row in rows] == [
        ("cash", "1101"),
        ("debit_card", "1103"),
        ("iseller_pay", "1104"),
    ]


def test_a_complete_mapping_has_no_problems(tenant):
    assert mapping_problems(mapping=saved(tenant.outlet), **LISTS) == {}


def test_each_problem_is_named_on_its_field(tenant):
    mapping = saved(
        tenant.outlet,
        branch_name="",
        warehouse_name="Gudang Hilang",
        mdr_account_no="9999",
        tax_account_no="",
        payments={"cash": "1105", "debit_card": "4101", "qris": "", "iseller_pay": "1104"},
    )
    gone_branch = saved(tenant.other_outlet, branch_name="Lama")

    assert mapping_problems(mapping=mapping, **LISTS) == {
        "branch_name": "Choose a branch.",
        "warehouse_name": "Warehouse “Gudang Hilang” is not in Accurate any more.",
        "mdr_account_no": "Account 9999 is not in Accurate any more.",
        "tax_account_no": "Choose the tax account.",
        "payment_cash": "Account 1105 Bank Mandiri (lama) is suspended in Accurate.",
        "payment_debit_card": "Account 4101 Penjualan is not a cash or bank account.",
        "payment_qris": "Choose the QRIS account.",
    }
    assert mapping_problems(mapping=gone_branch, **LISTS) == {
        "branch_name": "Branch “Lama” is suspended in Accurate."
    }


def test_isellerpay_accounts_must_be_of_their_type(tenant):
    mapping = saved(
        tenant.outlet,
        mdr_account_no="1104",
        payout_account_no="6101",
        payments={**COMPLETE["payments"], "iseller_pay": "6102"},
    )

    assert mapping_problems(mapping=mapping, **LISTS) == {
        "mdr_account_no": "Account 1104 Kas iSellerPay (clearing) is not an expense account.",
        "payout_account_no": "Account 6101 Biaya MDR is not a cash or bank account.",
        "payment_iseller_pay": "Account 6102 Selisih Pembulatan is not a cash or bank account.",
    }


def test_isellerpay_accounts_are_required_only_where_the_store_takes_isellerpay(tenant):
    mapping = saved(
        tenant.outlet,
        mdr_account_no="",
        payout_account_no="",
        payments={"cash": "1102", "debit_card": "1103", "qris": "1103"},
    )
    without = {**LISTS, "methods": ["cash", "debit_card", "qris"]}

    assert mapping_problems(mapping=mapping, **without) == {}
    assert mapping_problems(mapping=mapping, **LISTS) == {
        "mdr_account_no": "Choose the iSellerPay MDR fee account.",
        "payout_account_no": "Choose the iSellerPay payout bank account.",
        "payment_iseller_pay": "Choose the iSellerPay clearing account.",
    }


def test_set_isellerpay_accounts_are_checked_even_where_the_store_does_not_take_isellerpay(tenant):
    mapping = saved(tenant.outlet, mdr_account_no="1101")

    assert mapping_problems(mapping=mapping, **{**LISTS, "methods": ["cash"]}) == {
        "mdr_account_no": "Account 1101 Kas Kecil is not an expense account."
    }


def test_every_outlet_needs_its_refund_account(tenant):
    mapping = saved(tenant.outlet, refund_account_no="")

    assert mapping_problems(mapping=mapping, **{**LISTS, "methods": ["cash"]}) == {
        "refund_account_no": "Choose the refund account."
    }


def test_activation_is_refused_with_the_problems_and_nothing_changes(tenant):
    mapping = saved(tenant.outlet, rounding_account_no="")

    with pytest.raises(MappingIncomplete) as refused:
        outlet_activate(mapping=mapping, confirm_fee=True, **LISTS)

    assert refused.value.problems == {"rounding_account_no": "Choose the rounding difference account."}
    mapping.refresh_from_db()
    assert (mapping.active, mapping.activated_at) == (False, None)


def test_the_first_outlet_is_free_and_activates_without_confirmation(tenant):
    mapping = outlet_activate(mapping=saved(tenant.outlet), confirm_fee=False, **LISTS)

    mapping.refresh_from_db()
    assert mapping.active is True
    assert mapping.activated_at is not None
    assert store_monthly_fee(tenant.store) == 0


def test_a_second_outlet_needs_the_fee_confirmed(tenant, settings):
    settings.ACCURATE_EXTRA_OUTLET_FEE = 99000
    outlet_activate(mapping=saved(tenant.outlet), confirm_fee=False, **LISTS)
    second = saved(tenant.other_outlet)

    with pytest.raises(FeeNotConfirmed) as refused:
        outlet_activate(mapping=second, confirm_fee=False, **LISTS)

    assert (refused.value.fee, refused.value.monthly_total) == (99000, 99000)
    second.refresh_from_db()
    assert second.active is False
    assert store_monthly_fee(tenant.store) == 0

    outlet_activate(mapping=second, confirm_fee=True, **LISTS)

    second.refresh_from_db()
    assert second.active is True
    assert store_monthly_fee(tenant.store) == 99000


def test_the_fee_grows_by_one_extra_outlet_fee_per_active_outlet(tenant, settings):
    from outlets.services.stores import outlet_create

    settings.ACCURATE_EXTRA_OUTLET_FEE = 50000
    third_outlet = outlet_create(store=tenant.store, code="SBY01", name="Surabaya")
    outlet_activate(mapping=saved(tenant.outlet), confirm_fee=False, **LISTS)
    outlet_activate(mapping=saved(tenant.other_outlet), confirm_fee=True, **LISTS)

    with pytest.raises(FeeNotConfirmed) as refused:
        outlet_activate(mapping=saved(third_outlet), confirm_fee=False, **LISTS)

    assert (refused.value.fee, refused.value.monthly_total) == (50000, 100000)
    assert store_monthly_fee(tenant.store) == 50000


def test_another_stores_active_outlets_do_not_count(tenant, outsider):
    outlet_activate(mapping=saved(outsider.outlet), confirm_fee=False, **LISTS)

    mapping = outlet_activate(mapping=saved(tenant.outlet), confirm_fee=False, **LISTS)

    assert mapping.active is True
    assert store_monthly_fee(tenant.store) == store_monthly_fee(outsider.store) == 0


def test_deactivating_keeps_pending_activities_and_frees_the_fee(tenant, order_body, settings):
    settings.ACCURATE_EXTRA_OUTLET_FEE = 99000
    assert tenant.api().post(ORDERS_URL, order_body("ORD-1"), format="json").status_code == 201
    first = outlet_activate(mapping=saved(tenant.outlet), confirm_fee=False, **LISTS)
    outlet_activate(mapping=saved(tenant.other_outlet), confirm_fee=True, **LISTS)

    outlet_deactivate(mapping=first)

    first.refresh_from_db()
    assert (first.active, first.deactivated_at is not None) == (False, True)
    pending = SyncActivity.objects.filter(outlet=tenant.outlet).values_list("pos_number", "status")
    assert list(pending) == [("ORD-1", "pending")]
    assert store_monthly_fee(tenant.store) == 0


def test_changing_a_mapping_leaves_synced_activities_as_they_are(tenant, order_body):
    assert tenant.api().post(ORDERS_URL, order_body("ORD-1"), format="json").status_code == 201
    activity = SyncActivity.objects.get(pos_number="ORD-1")
    SyncActivity.objects.filter(pk=activity.pk).update(status="success")
    before = SyncActivity.objects.filter(pk=activity.pk).values().get()
    saved(tenant.outlet)

    saved(tenant.outlet, branch_name="Cabang Baru", payments={"cash": "1101"})

    assert SyncActivity.objects.filter(pk=activity.pk).values().get() == before
    assert OutletMapping.objects.get(outlet=tenant.outlet).branch_name == "Cabang Baru"
