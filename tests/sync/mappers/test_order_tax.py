"""PPN line by line: a taxed sale flags the lines of its taxable products (`useTax1`), names the tax
when the store set one, and predicts Accurate's total (the rounding line) from the flagged lines only.
The prediction only places the rounding line; the engine checks Accurate's own total after the save."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from sync.mappers import invoice_total, plan_order
from sync.mappers.order import rounding_corrected
from sync.mappers.totals import invoice_tax, taxed_base

from .documents import JAKARTA, D, make_order
from .test_order_invoice import invoice_of


@pytest.fixture
def groceries(tenant):
    """P1 (10,000) and P2 (20,000) taxable; P3 (30,000) a basic necessity without PPN."""
    p1, p2, p3 = tenant.products
    p3.taxable = False
    p3.save()
    return p1, p2, p3


def flags(payload: dict) -> list[tuple[str, bool]]:
    return [(line["itemNo"], line["useTax1"]) for line in payload["detailItem"]]


def rounding(payload: dict) -> list[Decimal]:
    return [line["expenseAmount"] for line in payload["detailExpense"] if line["expenseName"] == "Rounding"]


@pytest.mark.django_db
def test_a_non_taxable_product_in_a_taxed_sale_is_not_flagged_and_bears_no_tax(tenant, groceries):
    p1, _, p3 = groceries
    # PPN 11% on the 20,000 of P1 only: 2,200; the 30,000 of rice bears none.
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p3, "1", "30000", "0")], tax="2200")

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert flags(invoice.payload) == [("SKU-1", True), ("SKU-3", False)]
    assert invoice.payload["taxable"] is True
    assert invoice_tax(invoice.payload, JAKARTA.tax_rate) == D("2200.00")
    assert rounding(invoice.payload) == []
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("52200")


@pytest.mark.django_db
def test_a_sale_without_tax_flags_no_line_even_of_taxable_products(tenant):
    p1, p2, _ = tenant.products
    order = make_order(tenant.outlet, [(p1, "1", "10000", "0"), (p2, "1", "20000", "0")])

    invoice = invoice_of(plan_order(order, replace(JAKARTA, tax_name="PPN")))

    assert flags(invoice.payload) == [("SKU-1", False), ("SKU-2", False)]
    assert (invoice.payload["taxable"], "tax1Name" in invoice.payload) == (False, False)


@pytest.mark.django_db
def test_the_order_discount_is_spread_over_the_lines_and_only_the_taxed_share_bears_ppn(tenant, groceries):
    p1, _, p3 = groceries
    # Lines 20,000 (taxed) + 30,000; order discount 5,000 → the taxed share is 20,000 − 2,000 = 18,000,
    # PPN 1,980; total 50,000 − 5,000 + 1,980.
    order = make_order(
        tenant.outlet, [(p1, "2", "10000", "0"), (p3, "1", "30000", "0")], order_discount="5000", tax="1980"
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["cashDiscount"] == D("5000")
    assert taxed_base(invoice.payload) == D("18000")
    assert rounding(invoice.payload) == []
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("46980")


@pytest.mark.django_db
def test_a_line_discount_lowers_its_lines_taxed_amount(tenant, groceries):
    p1, p2, p3 = groceries
    # (20,000 − 1,500) + 20,000 taxed = 38,500 → PPN 4,235; rice 30,000 untaxed.
    order = make_order(
        tenant.outlet,
        [(p1, "2", "10000", "1500"), (p2, "1", "20000", "0"), (p3, "1", "30000", "0")],
        tax="4235",
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert flags(invoice.payload) == [("SKU-1", True), ("SKU-2", True), ("SKU-3", False)]
    assert invoice.payload["detailItem"][0]["itemCashDiscount"] == D("1500")
    assert rounding(invoice.payload) == []
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("72735")


@pytest.mark.django_db
def test_tax_included_in_the_prices_is_carved_out_of_the_taxed_lines_only(tenant, groceries):
    p1, _, p3 = groceries
    # 22,200 of P1 includes 2,200 PPN; the POS's 2,200 matches Accurate's carve-out; rice has none.
    order = make_order(
        tenant.outlet, [(p1, "2", "11100", "0"), (p3, "1", "30000", "0")], tax="2200", tax_inclusive=True
    )

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert (invoice.payload["taxable"], invoice.payload["inclusiveTax"]) == (True, True)
    assert flags(invoice.payload) == [("SKU-1", True), ("SKU-3", False)]
    assert invoice_tax(invoice.payload, JAKARTA.tax_rate) == D("2200.00")
    assert rounding(invoice.payload) == []
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("52200")


@pytest.mark.django_db
def test_ppn_the_pos_charged_on_the_service_charge_goes_to_the_rounding_line(tenant):
    p1 = tenant.products[0]
    # The POS taxed lines and service: (20,000 + 1,000) × 11% = 2,310. Accurate taxes item lines
    # only [U]: 2,200; the 110 it does not compute is booked to the rounding account.
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0")], tax="2310", service_charge="1000")

    invoice = invoice_of(plan_order(order, JAKARTA))

    assert invoice.payload["detailExpense"] == [
        {"accountNo": "4102", "expenseName": "Service charge", "expenseAmount": D("1000")},
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("110.00")},
    ]
    assert invoice_total(invoice.payload, JAKARTA.tax_rate) == order.total == D("23310")


@pytest.mark.django_db
def test_the_tax_is_named_when_the_store_set_its_name(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], tax="1100")

    named = invoice_of(plan_order(order, replace(JAKARTA, tax_name="PPN 11%")))
    unnamed = invoice_of(plan_order(order, JAKARTA))

    assert named.payload["tax1Name"] == "PPN 11%"
    assert list(named.payload)[:8] == [
        "number",
        "transDate",
        "customerNo",
        "branchName",
        "description",
        "taxable",
        "inclusiveTax",
        "tax1Name",
    ]
    assert "tax1Name" not in unnamed.payload


def test_a_correction_adds_the_difference_to_the_rounding_line():
    payload: dict[str, Any] = {
        "number": "JKT01-ORD-1",
        "detailExpense": [
            {"accountNo": "4102", "expenseName": "Service charge", "expenseAmount": D("1000")},
            {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("15")},
        ],
    }

    corrected = rounding_corrected(payload, D("-380"), "6102")

    assert corrected["detailExpense"] == [
        {"accountNo": "4102", "expenseName": "Service charge", "expenseAmount": D("1000")},
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("-365")},
    ]
    assert payload["detailExpense"][1]["expenseAmount"] == D("15")  # the planned payload is untouched


def test_a_correction_adds_a_rounding_line_when_there_is_none_and_drops_one_that_comes_to_zero():
    bare = {"number": "JKT01-ORD-1", "detailExpense": []}
    with_line = {
        "detailExpense": [{"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("15")}]
    }

    assert rounding_corrected(bare, D("226"), "6102")["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("226")}
    ]
    assert rounding_corrected(with_line, D("-15"), "6102")["detailExpense"] == []
