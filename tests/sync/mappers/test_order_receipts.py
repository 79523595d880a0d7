"""A sale's payments become one sales receipt per payment method, into that method's account."""

from __future__ import annotations

import pytest

from sync.mappers import Planned, invoice_total, plan_order

from .documents import JAKARTA, D, make_order


def receipt(code: str, bank: str, method: str, label: str, amount: str) -> Planned:
    number = f"JKT01-ORD-0001-{code}"
    return Planned(
        module="sales-receipt",
        action="bulk-save",
        number=number,
        payload={
            "number": number,
            "transDate": "20/11/2026",
            "customerNo": "C-WALKIN",
            "branchName": "Pusat",
            "bankNo": bank,
            "paymentMethod": method,
            "description": f"iSeller JKT01 ORD-0001 {label}",
            "chequeAmount": D(amount),
            "detailInvoice": [{"invoiceNo": "JKT01-ORD-0001", "paymentAmount": D(amount)}],
        },
        stage=2,
        expected_total=D(amount),  # checked against Accurate's receipt after the save
    )


@pytest.mark.django_db
def test_cash_qris_and_iseller_pay_make_one_receipt_each_summed_per_method(tenant):
    p1, p2, _ = tenant.products
    order = make_order(
        tenant.outlet,
        [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")],
        [("cash", "20000"), ("qris", "10000"), ("cash", "3000"), ("iseller_pay", "5000")],
    )

    planned = plan_order(order, JAKARTA)

    assert planned[1:] == [
        receipt("CASH", "1101", "CASH_OTHER", "Cash", "23000"),
        receipt("QRIS", "1102", "QRIS", "QRIS", "10000"),
        # iSellerPay money waits in the MDR clearing account.
        receipt("ISPAY", "1103", "CASH_OTHER", "iSellerPay", "5000"),
    ]
    assert sum(p.payload["chequeAmount"] for p in planned[1:]) == order.total
    assert invoice_total(planned[0].payload, JAKARTA.tax_rate) == order.total == D("38000")


@pytest.mark.django_db
def test_a_free_order_without_payments_is_only_invoiced(tenant):
    # The POS accepts no payment only when nothing is owed: here the line is discounted in full.
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "10000")], [])

    planned = plan_order(order, JAKARTA)

    assert [(p.module, p.number) for p in planned] == [("sales-invoice", "JKT01-ORD-0001")]
    assert invoice_total(planned[0].payload, JAKARTA.tax_rate) == order.total == D("0")
