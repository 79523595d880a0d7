"""An iSellerPay payout: the net transferred from the clearing account to the bank, the fee an expense."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sync.mappers import MappingProblem, Planned, plan_payout

from .documents import BALI, JAKARTA, D, at, make_payout


@pytest.mark.django_db
def test_a_payout_is_a_bank_transfer_of_the_net_and_an_other_payment_of_the_fee(
    tenant, django_assert_num_queries
):
    payout = make_payout(
        tenant.outlet,
        period_start=date(2026, 11, 17),
        period_end=date(2026, 11, 19),
        reference="BCA 7788",
        note="Pencairan Jumat",
    )

    with django_assert_num_queries(0):
        planned = plan_payout(payout, JAKARTA)

    head = "iSellerPay payout JKT01 PO-0001, payments 17/11/2026–19/11/2026, ref BCA 7788"
    assert planned == [
        Planned(
            module="bank-transfer",
            action="bulk-save",
            number="JKT01-PO-0001-TRF",
            payload={
                "number": "JKT01-PO-0001-TRF",
                "transDate": "20/11/2026",
                "fromBankNo": "1103",
                "toBankNo": "1102",
                "fromBankAmount": D("993000"),
                "branchName": "Pusat",
                "description": f"{head}: Pencairan Jumat",
            },
            stage=1,
        ),
        Planned(
            module="other-payment",
            action="bulk-save",
            number="JKT01-PO-0001-MDR",
            payload={
                "number": "JKT01-PO-0001-MDR",
                "transDate": "20/11/2026",
                "bankNo": "1103",
                "payee": "iSellerPay",
                "branchName": "Pusat",
                "description": "iSellerPay MDR fee JKT01 PO-0001: Pencairan Jumat",
                "detailAccount": [
                    {
                        "accountNo": "6101",
                        "amount": D("7000"),
                        "expenseName": "iSellerPay MDR fee",
                        "detailNotes": head,
                    }
                ],
            },
            stage=1,
            expected_total=D("7000"),
        ),
    ]


@pytest.mark.django_db
def test_a_payout_is_dated_by_the_outlets_clock(tenant):
    # 23:30 UTC on the 19th is already the 20th in Bali (WITA, UTC+8).
    payout = make_payout(tenant.other_outlet, paid_at=at("2026-11-19T23:30:00+00:00"))

    transfer, fee = plan_payout(payout, BALI)

    assert (transfer.number, transfer.payload["transDate"]) == ("BALI1-PO-0001-TRF", "20/11/2026")
    assert (fee.payload["transDate"], fee.payload["branchName"]) == ("20/11/2026", "Cabang Bali")
    assert transfer.payload["description"] == "iSellerPay payout BALI1 PO-0001"


@pytest.mark.django_db
def test_a_payout_without_a_fee_is_the_transfer_alone_and_needs_no_mdr_account(tenant):
    payout = make_payout(tenant.outlet, gross=D("250000.50"), fee=D("0"), period_end=date(2026, 11, 19))

    [transfer] = plan_payout(payout, replace(JAKARTA, mdr_account_no=""))

    assert transfer.payload["fromBankAmount"] == D("250000.50")
    assert transfer.payload["description"] == "iSellerPay payout JKT01 PO-0001, payments …–19/11/2026"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"payment_accounts": {"cash": "1101"}},
            "Payment method iSellerPay has no Accurate account for outlet JKT01: "
            "set the iSellerPay clearing account in Apps → Accurate → Outlet mapping.",
        ),
        (
            {"payout_account_no": ""},
            "Outlet JKT01 has no iSellerPay payout bank account: set it in Apps → Accurate → Outlet mapping.",
        ),
        (
            {"mdr_account_no": " "},
            "Outlet JKT01 has no iSellerPay MDR fee account: set it in Apps → Accurate → Outlet mapping.",
        ),
    ],
)
def test_a_payout_names_the_account_it_misses(tenant, change, message):
    with pytest.raises(MappingProblem) as problem:
        plan_payout(make_payout(tenant.outlet), replace(JAKARTA, **change))

    assert str(problem.value) == message


@pytest.mark.django_db
def test_a_long_payout_number_keeps_its_suffixes_within_30_characters(tenant):
    payout = make_payout(tenant.outlet, number="ISP-PAYOUT-2026-11-20-000123")

    transfer, fee = plan_payout(payout, JAKARTA)

    assert (transfer.number, fee.number) == (
        "JKT01-ISP-PAYOUT-20-A1FF5F-TRF",
        "JKT01-ISP-PAYOUT-20-D596FC-MDR",
    )
