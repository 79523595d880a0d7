"""A refunds summary: the period's refunds as one sales return against the summary invoice, lines
summed per item and price, the money paid back summed per refund method; and the money a sale voided
after its summary was sent pays back, per payment method of the sale."""

from __future__ import annotations

from datetime import date

import pytest

from sync.mappers import Planned, SummaryPeriod, plan_refund_summary, plan_summary_void

from .documents import JAKARTA, D, at, make_order, make_refund

RETURNS = SummaryPeriod("DAY-20261120-RET", date(2026, 11, 20))


def money_out(code: str, account: str, label: str, amount: str) -> Planned:
    number = f"JKT01-DAY-20261120-RET-{code}"
    payload = {
        "number": number,
        "transDate": "20/11/2026",
        "bankNo": account,
        "payee": "Walk-in customer",
        "branchName": "Pusat",
        "description": f"iSeller JKT01 DAY-20261120-RET paid back by {label}",
        "detailAccount": [
            {
                "accountNo": "1201",
                "amount": D(amount),
                "expenseName": "Refunds DAY-20261120-RET",
                "detailNotes": "Sales return JKT01-DAY-20261120-RET",
            }
        ],
    }
    return Planned("other-payment", "bulk-save", number, payload, 2, expected_total=D(amount))


@pytest.mark.django_db
def test_it_sums_the_refunds_lines_per_item_and_price_and_the_money_per_method(tenant):
    p1, p2, p3 = tenant.products
    a = make_order(tenant.outlet, [(p1, "3", "10000", "0"), (p2, "2", "20000", "0")], number="ORD-0001")
    b = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p3, "1", "5000", "0")], number="ORD-0002")
    refunded = at("2026-11-20T15:00:00+07:00")
    first = make_refund(a, [(p1, "1", "10000"), (p2, "1", "20000")], number="RF-1", refunded_at=refunded)
    second = make_refund(b, [(p1, "2", "10000")], number="RF-2", refunded_at=refunded, refund_method="qris")
    third = make_refund(b, [(p3, "1", "4500")], number="RF-3", refunded_at=refunded)

    planned = plan_refund_summary(RETURNS, [first, second, third], JAKARTA, invoice_no="JKT01-DAY-20261120")

    returned = planned[0]
    assert (returned.module, returned.number, returned.stage, returned.expected_total) == (
        "sales-return",
        "JKT01-DAY-20261120-RET",
        1,
        D("54500"),
    )
    assert returned.payload == {
        "number": "JKT01-DAY-20261120-RET",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "invoiceNumber": "JKT01-DAY-20261120",
        "returnType": "INVOICE",
        "branchName": "Pusat",
        "description": "iSeller JKT01 refunds summary DAY-20261120-RET (3 refunds)",
        "taxable": False,
        "inclusiveTax": True,
        "detailItem": [
            {
                "itemNo": "SKU-1",
                "quantity": D("3"),
                "unitPrice": D("10000"),
                "warehouseName": "Gudang Utama",
                "useTax1": False,
            },
            {
                "itemNo": "SKU-2",
                "quantity": D("1"),
                "unitPrice": D("20000"),
                "warehouseName": "Gudang Utama",
                "useTax1": False,
            },
            {
                "itemNo": "SKU-3",
                "quantity": D("1"),
                "unitPrice": D("4500"),
                "warehouseName": "Gudang Utama",
                "useTax1": False,
            },
        ],
    }
    assert planned[1:] == [
        money_out("CASH", "1101", "Cash", "34500"),
        money_out("QRIS", "1102", "QRIS", "20000"),
    ]


@pytest.mark.django_db
def test_a_void_paid_by_two_methods_pays_each_back_and_a_rounding_down_comes_off_the_goods(tenant):
    p1, _, _ = tenant.products
    # 50,000 + 2,000 service charge − 100 rounding = 51,900: 30,000 in cash, 21,900 by QRIS.
    order = make_order(
        tenant.outlet,
        [(p1, "5", "10000", "0")],
        [("cash", "30000"), ("qris", "21900")],
        number="ORD-0009",
        service_charge="2000",
        rounding="-100",
    )

    returned, cash, qris = plan_summary_void(order, JAKARTA, invoice_no="JKT01-DAY-20261120")

    assert returned.expected_total == D("50000")  # the goods: total − service charge − rounding
    assert (cash.number, cash.payload["bankNo"], cash.expected_total) == (
        "JKT01-ORD-0009-VOID-CASH",
        "1101",
        D("30000"),
    )
    assert cash.payload["detailAccount"] == [
        {
            "accountNo": "1201",
            "amount": D("30000"),
            "expenseName": "Sales return JKT01-ORD-0009-VOID",
            "detailNotes": "ORD-0009",
        }
    ]
    assert (qris.number, qris.payload["bankNo"], qris.expected_total) == (
        "JKT01-ORD-0009-VOID-QRIS",
        "1102",
        D("21900"),
    )
    assert qris.payload["detailAccount"] == [
        {
            "accountNo": "1201",
            "amount": D("19900"),
            "expenseName": "Sales return JKT01-ORD-0009-VOID",
            "detailNotes": "ORD-0009",
        },
        {
            "accountNo": "4102",
            "amount": D("2000"),
            "expenseName": "Service charge",
            "detailNotes": "ORD-0009",
        },
    ]
