"""The money a refund pays back: an other payment out of the refund method's cash/bank account,
debiting the outlet's refund account, after the sales return."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import MappingProblem, Planned, plan_refund, plan_refund_payment

from .documents import BALI, JAKARTA, D, at, make_order, make_refund


@pytest.mark.django_db
def test_a_cash_refund_pays_its_total_out_of_the_cash_account_against_the_refund_account(
    tenant, django_assert_num_queries
):
    p1, p2, _ = tenant.products
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")])
    refund = make_refund(order, [(p1, "1", "10000"), (p2, "1", "18000")], reason="Salah pesan")

    with django_assert_num_queries(0):
        planned = plan_refund_payment(refund, JAKARTA)

    assert planned == [
        Planned(
            module="other-payment",
            action="bulk-save",
            number="JKT01-RF-0001-OUT",
            payload={
                "number": "JKT01-RF-0001-OUT",
                "transDate": "21/11/2026",
                "bankNo": "1101",
                "payee": "Walk-in customer",
                "branchName": "Pusat",
                "description": "iSeller JKT01 refund RF-0001 paid back by Cash: Salah pesan",
                "detailAccount": [
                    {
                        "accountNo": "1201",
                        "amount": D("28000"),
                        "expenseName": "Refund RF-0001",
                        "detailNotes": "Sales return JKT01-RF-0001",
                    }
                ],
            },
            stage=2,
            expected_total=D("28000"),
        )
    ]


@pytest.mark.django_db
def test_the_money_goes_out_after_the_sales_return(tenant):
    p1 = tenant.products[0]
    refund = make_refund(make_order(tenant.outlet, [(p1, "1", "10000", "0")]), [(p1, "1", "10000")])

    [sales_return] = plan_refund(refund, JAKARTA)
    [payment] = plan_refund_payment(refund, JAKARTA)

    assert (sales_return.stage, payment.stage) == (1, 2)


@pytest.mark.django_db
def test_an_iseller_pay_refund_leaves_the_clearing_account_and_names_the_customer(tenant):
    p1 = tenant.products[0]
    order = make_order(
        tenant.outlet,
        [(p1, "1", "10000", "0")],
        [("iseller_pay", "10000")],
        customer_code="CUST-9",
        customer_name="Budi Santoso",
    )
    refund = make_refund(order, [(p1, "1", "10000")], refund_method="iseller_pay")

    [payment] = plan_refund_payment(refund, JAKARTA)

    assert (payment.payload["bankNo"], payment.payload["payee"]) == ("1103", "Budi Santoso")
    assert payment.payload["description"] == "iSeller JKT01 refund RF-0001 paid back by iSellerPay"


@pytest.mark.django_db
def test_a_refund_at_another_outlet_is_dated_and_branched_there(tenant):
    p1 = tenant.products[0]
    order = make_order(tenant.outlet, [(p1, "1", "10000", "0")])
    # 17:30 UTC is 01:30 the next day in Bali (WITA, UTC+8).
    refund = make_refund(order, [(p1, "1", "10000")], refunded_at=at("2026-11-21T17:30:00+00:00"))

    [payment] = plan_refund_payment(refund, BALI)

    assert (payment.number, payment.payload["transDate"], payment.payload["branchName"]) == (
        "BALI1-RF-0001-OUT",
        "22/11/2026",
        "Cabang Bali",
    )


@pytest.mark.django_db
def test_a_refund_of_nothing_moves_no_money(tenant):
    p1 = tenant.products[0]
    refund = make_refund(make_order(tenant.outlet, [(p1, "1", "0", "0")]), [(p1, "1", "0")])

    assert plan_refund_payment(refund, JAKARTA) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"refund_account_no": ""},
            "Outlet JKT01 has no refund account: set it in Apps → Accurate → Outlet mapping.",
        ),
        (
            {"payment_accounts": {"qris": "1102"}},
            "Payment method Cash has no Accurate account for outlet JKT01: "
            "map it in Apps → Accurate → Outlet mapping.",
        ),
    ],
)
def test_a_refund_names_the_account_it_misses(tenant, change, message):
    p1 = tenant.products[0]
    refund = make_refund(make_order(tenant.outlet, [(p1, "1", "10000", "0")]), [(p1, "1", "10000")])

    with pytest.raises(MappingProblem) as problem:
        plan_refund_payment(refund, replace(JAKARTA, **change))

    assert str(problem.value) == message
