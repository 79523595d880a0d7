"""A sale becomes a sales invoice whose Accurate total equals the POS total to the rupiah."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import Planned, invoice_total, plan_order

from .documents import JAKARTA, D, make_order


def invoice_of(planned: list[Planned]) -> Planned:
    [invoice] = [p for p in planned if p.module == "sales-invoice"]
    return invoice


def item(sku: str, qty: str, price: str, discount: str = "0", note: str = "", *, tax: bool = False) -> dict:
    return {
        "itemNo": sku,
        "quantity": D(qty),
        "unitPrice": D(price),
        "itemCashDiscount": D(discount),
        "warehouseName": "Gudang Utama",
        "detailNotes": note,
        "useTax1": tax,
    }


@pytest.mark.django_db
def test_a_cash_sale_becomes_an_invoice_and_one_receipt(tenant, django_assert_num_queries):
    p1, p2, _ = tenant.products
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0", "less sugar"), (p2, "1", "20000", "2000")])

    with django_assert_num_queries(0):
        planned = plan_order(order, JAKARTA)

    assert planned == [
        Planned(
            module="sales-invoice",
            action="bulk-save",
            number="JKT01-ORD-0001",
            payload={
                "number": "JKT01-ORD-0001",
                "transDate": "20/11/2026",
                "customerNo": "C-WALKIN",
                "branchName": "Pusat",
                "description": "iSeller JKT01 ORD-0001",
                "taxable": False,
                "inclusiveTax": False,
                "cashDiscount": D("0.00"),
                "detailItem": [
                    item("SKU-1", "2", "10000", note="less sugar"),
                    item("SKU-2", "1", "20000", "2000"),
                ],
                "detailExpense": [],
            },
            stage=1,
            expected_total=D("38000"),
            rounding_account_no="6102",
        ),
        Planned(
            module="sales-receipt",
            action="bulk-save",
            number="JKT01-ORD-0001-CASH",
            payload={
                "number": "JKT01-ORD-0001-CASH",
                "transDate": "20/11/2026",
                "customerNo": "C-WALKIN",
                "branchName": "Pusat",
                "bankNo": "1101",
                "paymentMethod": "CASH_OTHER",
                "description": "iSeller JKT01 ORD-0001 Cash",
                "chequeAmount": D("38000.00"),
                "detailInvoice": [{"invoiceNo": "JKT01-ORD-0001", "paymentAmount": D("38000.00")}],
            },
            stage=2,
            expected_total=D("38000"),
        ),
    ]
    assert invoice_total(planned[0].payload, JAKARTA.tax_rate) == order.total == D("38000")


@pytest.mark.django_db
def test_line_and_order_discounts_go_to_the_lines_and_the_cash_discount(tenant):
    p1, p2, _ = tenant.products
    order = make_order(
        tenant.outlet,
        [(p1, "3", "10000", "1500"), (p2, "1", "20000", "0")],
        order_discount="5000",
        note="member 10%",
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload == {
        "number": "JKT01-ORD-0001",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "description": "iSeller JKT01 ORD-0001: member 10%",
        "taxable": False,
        "inclusiveTax": False,
        "cashDiscount": D("5000"),
        "detailItem": [item("SKU-1", "3", "10000", "1500"), item("SKU-2", "1", "20000")],
        "detailExpense": [],
    }
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("43500")


@pytest.mark.django_db
def test_tax_added_on_top_at_the_store_rate_needs_no_rounding_line(tenant):
    p1, p2, _ = tenant.products
    # (20,000 + 18,000) × 11% = 4,180
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")], tax="4180")

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload == {
        "number": "JKT01-ORD-0001",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "description": "iSeller JKT01 ORD-0001",
        "taxable": True,
        "inclusiveTax": False,
        "cashDiscount": D("0"),
        "detailItem": [item("SKU-1", "2", "10000", tax=True), item("SKU-2", "1", "20000", "2000", tax=True)],
        "detailExpense": [],
    }
    assert (invoice.expected_total, invoice.rounding_account_no) == (D("42180"), "6102")
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("42180")


@pytest.mark.django_db
def test_tax_included_in_the_prices_is_not_added_again(tenant):
    p3 = tenant.products[2]
    # 33,300 includes 3,300 PPN at 11%.
    order = make_order(tenant.outlet, [(p3, "1", "33300", "0")], tax="3300", tax_inclusive=True)

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload == {
        "number": "JKT01-ORD-0001",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "description": "iSeller JKT01 ORD-0001",
        "taxable": True,
        "inclusiveTax": True,
        "cashDiscount": D("0"),
        "detailItem": [item("SKU-3", "1", "33300", tax=True)],
        "detailExpense": [],
    }
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("33300")


@pytest.mark.django_db
def test_the_pos_rounding_to_the_nearest_100_rupiah_goes_to_the_rounding_account(tenant):
    p1, p2, _ = tenant.products
    # 28,500 + 20,000 − 5,000 = 43,500; PPN 4,785; 48,285 rounded up to 48,300.
    order = make_order(
        tenant.outlet,
        [(p1, "3", "10000", "1500"), (p2, "1", "20000", "0")],
        order_discount="5000",
        tax="4785",
        rounding="15",
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("15.00")}
    ]
    assert invoice.payload["cashDiscount"] == D("5000")
    assert invoice.payload["taxable"] is True
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("48300")


@pytest.mark.django_db
def test_a_tax_the_pos_computed_differently_goes_to_the_rounding_line_too(tenant):
    p1, p2, _ = tenant.products
    # The POS charged 10% (3,800); Accurate computes 11% (4,180): −380 keeps the POS total.
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")], tax="3800")

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("-380.00")}
    ]
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("41800")


@pytest.mark.django_db
def test_a_weighed_lines_fraction_of_a_cent_goes_to_the_rounding_line(tenant):
    p1 = tenant.products[0]
    # 1.255 kg × 9,999 = 12,548.745; the POS books 12,548.75, Accurate keeps every decimal.
    order = make_order(tenant.outlet, [(p1, "1.255", "9999", "0")])

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["detailItem"] == [item("SKU-1", "1.255", "9999")]
    assert invoice.payload["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("0.005")}
    ]
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("12548.75")


@pytest.mark.django_db
def test_a_service_charge_goes_to_the_service_charge_account(tenant):
    p1, p2, _ = tenant.products
    order = make_order(
        tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")], service_charge="1900"
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["detailExpense"] == [
        {"accountNo": "4102", "expenseName": "Service charge", "expenseAmount": D("1900.00")}
    ]
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("39900")


@pytest.mark.django_db
def test_a_synced_customer_is_created_first_and_invoiced(tenant):
    p1 = tenant.products[0]
    order = make_order(
        tenant.outlet,
        [(p1, "1", "10000", "0")],
        customer_code=" CUST-9 ",
        customer_name="Budi Santoso",
        customer_phone="08123456789",
        customer_email="budi@example.com",
    )

    planned = plan_order(order, replace(JAKARTA, sync_customers=True))

    assert planned[0] == Planned(
        module="customer",
        action="bulk-save",
        number="CUST-9",
        payload={
            "customerNo": "CUST-9",
            "name": "Budi Santoso",
            "email": "budi@example.com",
            "mobilePhone": "08123456789",
        },
        stage=0,
    )
    assert [(p.module, p.stage, p.payload["customerNo"]) for p in planned] == [
        ("customer", 0, "CUST-9"),
        ("sales-invoice", 1, "CUST-9"),
        ("sales-receipt", 2, "CUST-9"),
    ]
    assert invoice_total(planned[1].payload, JAKARTA.tax_rate) == order.total


@pytest.mark.django_db
def test_a_customer_known_only_by_code_is_named_by_its_code(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], customer_code="CUST-9")

    planned = plan_order(order, replace(JAKARTA, sync_customers=True))

    assert planned[0].payload == {"customerNo": "CUST-9", "name": "CUST-9"}


@pytest.mark.django_db
def test_without_customer_sync_the_walk_in_customer_is_invoiced(tenant):
    order = make_order(
        tenant.outlet, [(tenant.products[0], "1", "10000", "0")], customer_code="CUST-9", customer_name="Budi"
    )

    planned = plan_order(order, JAKARTA)

    assert [(p.module, p.payload["customerNo"]) for p in planned] == [
        ("sales-invoice", "C-WALKIN"),
        ("sales-receipt", "C-WALKIN"),
    ]


@pytest.mark.django_db
def test_a_sale_without_a_customer_code_goes_to_the_walk_in_customer_even_with_customer_sync(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], customer_name="Budi")

    planned = plan_order(order, replace(JAKARTA, sync_customers=True))

    assert [(p.module, p.payload["customerNo"]) for p in planned] == [
        ("sales-invoice", "C-WALKIN"),
        ("sales-receipt", "C-WALKIN"),
    ]
