"""A deposit: money into the payment method's account, credited to the outlet's deposit account."""

from __future__ import annotations

import pytest

from sync.mappers import Planned, plan_deposit

from .documents import JAKARTA, D, make_deposit


@pytest.mark.django_db
def test_a_customer_deposit_goes_into_the_methods_account(tenant):
    deposit = make_deposit(tenant.outlet, customer_name="Budi", note="DP kue ulang tahun")

    assert plan_deposit(deposit, JAKARTA) == [
        Planned(
            module="other-deposit",
            action="bulk-save",
            number="JKT01-DP-0001",
            payload={
                "number": "JKT01-DP-0001",
                "transDate": "20/11/2026",
                "bankNo": "1102",
                "payee": "Budi",
                "branchName": "Pusat",
                "description": "iSeller customer deposit JKT01 DP-0001: DP kue ulang tahun",
                "detailAccount": [
                    {"accountNo": "2104", "amount": D("50000"), "expenseName": "Customer deposit"}
                ],
            },
            stage=1,
            expected_total=D("50000"),
        )
    ]


@pytest.mark.django_db
def test_cash_in_by_iseller_pay_goes_into_the_iseller_pay_clearing_account(tenant):
    deposit = make_deposit(
        tenant.outlet, number="DP-0002", kind="cash_in", payment_method="iseller_pay", amount=D("25000.50")
    )

    [planned] = plan_deposit(deposit, JAKARTA)

    assert planned.payload == {
        "number": "JKT01-DP-0002",
        "transDate": "20/11/2026",
        "bankNo": "1103",
        "payee": "",
        "branchName": "Pusat",
        "description": "iSeller cash in JKT01 DP-0002",
        "detailAccount": [{"accountNo": "2104", "amount": D("25000.50"), "expenseName": "Cash in"}],
    }
