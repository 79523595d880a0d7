"""A sales summary: one line per item and price, discounts, service charge and rounding carried, a
receipt per payment method, and a total equal to the sum of its sales' POS totals."""

from __future__ import annotations

from datetime import date

import pytest

from sync.mappers import Planned, SummaryPeriod, invoice_total, plan_order_summary, plan_summary_void
from sync.mappers.totals import invoice_tax

from .documents import JAKARTA, D, make_order

DAY = SummaryPeriod("DAY-20261120", date(2026, 11, 20))


def item(sku: str, qty: str, price: str, discount: str = "0") -> dict:
    return {
        "itemNo": sku,
        "quantity": D(qty),
        "unitPrice": D(price),
        "itemCashDiscount": D(discount),
        "warehouseName": "Gudang Utama",
        "detailNotes": "",
        "useTax1": True,
    }


def receipt(method: str, code: str, account: str, label: str, paid: str) -> Planned:
    number = f"JKT01-DAY-20261120-{code}"
    payload = {
        "number": number,
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "bankNo": account,
        "paymentMethod": "CASH_OTHER" if method != "qris" else "QRIS",
        "description": f"iSeller JKT01 sales summary DAY-20261120 {label}",
        "chequeAmount": D(paid),
        "detailInvoice": [{"invoiceNo": "JKT01-DAY-20261120", "paymentAmount": D(paid)}],
    }
    return Planned("sales-receipt", "bulk-save", number, payload, 2, D(paid))


@pytest.mark.django_db
def test_a_summary_sums_lines_per_item_and_price_and_its_total_is_the_sum_of_the_pos_totals(
    tenant, django_assert_num_queries
):
    p1, p2, _ = tenant.products
    a = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")], tax="4180")
    b = make_order(
        tenant.outlet,
        [(p1, "1", "10000", "0"), (p2, "1", "20000", "0")],
        [("cash", "20000"), ("qris", "13700")],
        number="ORD-0002",
        tax="3190",
        order_discount="1000",
        service_charge="1500",
        rounding="10",
    )
    c = make_order(
        tenant.outlet, [(p1, "1", "9000", "0")], [("iseller_pay", "9990")], number="ORD-0003", tax="990"
    )
    assert [a.total, b.total, c.total] == [D("42180"), D("33700"), D("9990")]

    with django_assert_num_queries(0):
        planned = plan_order_summary(DAY, [a, b, c], JAKARTA)

    invoice = Planned(
        module="sales-invoice",
        action="bulk-save",
        number="JKT01-DAY-20261120",
        payload={
            "number": "JKT01-DAY-20261120",
            "transDate": "20/11/2026",
            "customerNo": "C-WALKIN",
            "branchName": "Pusat",
            "description": "iSeller JKT01 sales summary DAY-20261120 (3 sales)",
            "taxable": True,
            "inclusiveTax": False,
            "cashDiscount": D("1000"),
            # 3 × SKU-1 at 10,000 (two sales), 2 × SKU-2 with their discounts, SKU-1 at 9,000 apart.
            "detailItem": [
                item("SKU-1", "3", "10000"),
                item("SKU-2", "2", "20000", "2000"),
                item("SKU-1", "1", "9000"),
            ],
            "detailExpense": [
                {"accountNo": "4102", "expenseName": "Service charge", "expenseAmount": D("1500")},
                # 76,000 + 8,360 PPN + 1,500 = 85,860: the POS's own rounding of 10 makes 85,870.
                {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("10")},
            ],
        },
        stage=1,
        expected_total=D("85870"),
        rounding_account_no="6102",
    )
    assert planned == [
        invoice,
        receipt("cash", "CASH", "1101", "Cash", "62180"),
        receipt("qris", "QRIS", "1102", "QRIS", "13700"),
        receipt("iseller_pay", "ISPAY", "1103", "iSellerPay", "9990"),
    ]
    assert invoice_total(planned[0].payload, D("11")) == a.total + b.total + c.total


@pytest.mark.django_db
def test_a_void_after_the_summary_is_a_return_of_its_lines_with_the_order_discount_on_them(tenant):
    p1, p2, _ = tenant.products
    order = make_order(
        tenant.outlet,
        [(p1, "1", "10000", "0"), (p2, "1", "20000", "0")],
        number="ORD-0002",
        tax="3190",
        order_discount="1000",
        service_charge="1500",
    )

    returned, paid_back = plan_summary_void(order, JAKARTA, invoice_no="JKT01-DAY-20261120")

    assert (returned.module, returned.number, returned.payload["invoiceNumber"]) == (
        "sales-return",
        "JKT01-ORD-0002-VOID",
        "JKT01-DAY-20261120",
    )
    discounts = [line["itemCashDiscount"] for line in returned.payload["detailItem"]]
    assert discounts == [D("333.33"), D("666.67")]  # the order discount, spread to the cent
    # The goods' part: the service charge stays on the summary.
    assert returned.expected_total == D("32190")
    assert invoice_total(returned.payload, D("11")) == D("32190")
    # The money it took goes back out of the till: the goods to the receivable the return credited,
    # the service charge back out of its own account.
    assert paid_back == Planned(
        "other-payment",
        "bulk-save",
        "JKT01-ORD-0002-VOID-CASH",
        {
            "number": "JKT01-ORD-0002-VOID-CASH",
            "transDate": "20/11/2026",
            "bankNo": "1101",
            "payee": "Walk-in customer",
            "branchName": "Pusat",
            "description": "iSeller JKT01 ORD-0002 voided: paid back",
            "detailAccount": [
                {
                    "accountNo": "1201",
                    "amount": D("32190"),
                    "expenseName": "Sales return JKT01-ORD-0002-VOID",
                    "detailNotes": "ORD-0002",
                },
                {
                    "accountNo": "4102",
                    "amount": D("1500"),
                    "expenseName": "Service charge",
                    "detailNotes": "ORD-0002",
                },
            ],
        },
        2,
        expected_total=D("33690"),
    )


@pytest.mark.django_db
def test_a_summary_of_sales_with_ppn_inside_their_prices_carves_it_out_and_needs_no_rounding(tenant):
    p1, p2, _ = tenant.products
    # 38,000 with 11 % PPN inside: 3,765.77 of it; and 9,000 with 891.89 inside.
    a = make_order(
        tenant.outlet,
        [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")],
        tax="3765.77",
        tax_inclusive=True,
    )
    b = make_order(
        tenant.outlet, [(p1, "1", "9000", "0")], number="ORD-0002", tax="891.89", tax_inclusive=True
    )

    invoice, cash = plan_order_summary(DAY, [a, b], JAKARTA)

    assert invoice.payload == {
        "number": "JKT01-DAY-20261120",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "description": "iSeller JKT01 sales summary DAY-20261120 (2 sales)",
        "taxable": True,
        "inclusiveTax": True,
        "cashDiscount": D("0"),
        "detailItem": [
            item("SKU-1", "2", "10000"),
            item("SKU-2", "1", "20000", "2000"),
            item("SKU-1", "1", "9000"),
        ],
        "detailExpense": [],  # 47,000 with its PPN inside is the sum of the POS totals: nothing to round
    }
    assert invoice.expected_total == D("47000") == a.total + b.total
    assert invoice_total(invoice.payload, D("11")) == D("47000")
    assert invoice_tax(invoice.payload, D("11")) == D("4657.66")  # 3,765.77 + 891.89
    assert cash.payload["chequeAmount"] == D("47000")


@pytest.mark.django_db
def test_a_summary_of_sales_without_ppn_is_not_taxable_whatever_their_inclusive_flag(tenant):
    p1, _, p3 = tenant.products
    a = make_order(tenant.outlet, [(p1, "1", "10000", "0")], tax_inclusive=True)
    b = make_order(tenant.outlet, [(p3, "1", "30000", "0")], number="ORD-0002")

    [invoice, _cash] = plan_order_summary(DAY, [a, b], JAKARTA)

    assert (invoice.payload["taxable"], invoice.payload["inclusiveTax"]) == (False, False)
    assert [line["useTax1"] for line in invoice.payload["detailItem"]] == [False, False]
    assert invoice.payload["detailExpense"] == []
    assert invoice_total(invoice.payload, D("11")) == D("40000")


@pytest.mark.django_db
def test_a_summary_opened_before_tax_modes_were_kept_apart_takes_its_first_taxed_sales_mode(tenant):
    p1, _, _ = tenant.products
    untaxed = make_order(tenant.outlet, [(p1, "1", "10000", "0")], tax_inclusive=True)
    added = make_order(tenant.outlet, [(p1, "1", "10000", "0")], number="ORD-0002", tax="1100")
    inside = make_order(
        tenant.outlet, [(p1, "1", "11100", "0")], number="ORD-0003", tax="1100", tax_inclusive=True
    )

    invoice, _cash = plan_order_summary(DAY, [untaxed, added, inside], JAKARTA)

    assert (invoice.payload["taxable"], invoice.payload["inclusiveTax"]) == (True, False)
    # PPN added on the third sale's price too: the rounding line takes it off again.
    [rounding] = invoice.payload["detailExpense"]
    assert rounding == {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("-1221")}
    assert invoice_total(invoice.payload, D("11")) == D("32200")
