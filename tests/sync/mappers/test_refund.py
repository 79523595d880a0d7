"""A refund becomes a sales return against the order's invoice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import Planned, invoice_total, plan_refund
from sync.mappers.totals import invoice_tax

from .documents import JAKARTA, D, make_order, make_refund


@pytest.mark.django_db
def test_a_refund_is_a_sales_return_against_the_orders_invoice(tenant, django_assert_num_queries):
    p1, p2, _ = tenant.products
    order = make_order(tenant.outlet, [(p1, "2", "10000", "0"), (p2, "1", "20000", "2000")])
    refund = make_refund(order, [(p1, "1", "10000"), (p2, "1", "18000")], reason="Salah pesan")

    with django_assert_num_queries(0):
        planned = plan_refund(refund, JAKARTA)

    assert planned == [
        Planned(
            module="sales-return",
            action="bulk-save",
            number="JKT01-RF-0001",
            payload={
                "number": "JKT01-RF-0001",
                "transDate": "21/11/2026",
                "customerNo": "C-WALKIN",
                "invoiceNumber": "JKT01-ORD-0001",
                "returnType": "INVOICE",
                "branchName": "Pusat",
                "description": "iSeller JKT01 refund RF-0001: Salah pesan",
                "taxable": False,
                "inclusiveTax": True,
                "detailItem": [
                    {
                        "itemNo": "SKU-1",
                        "quantity": D("1"),
                        "unitPrice": D("10000"),
                        "warehouseName": "Gudang Utama",
                        "useTax1": False,
                    },
                    {
                        "itemNo": "SKU-2",
                        "quantity": D("1"),
                        "unitPrice": D("18000"),
                        "warehouseName": "Gudang Utama",
                        "useTax1": False,
                    },
                ],
            },
            stage=1,
            expected_total=D("28000"),
        )
    ]
    assert invoice_total(planned[0].payload, JAKARTA.tax_rate) == refund.total


@pytest.mark.django_db
def test_a_refund_of_a_taxed_sale_flags_its_taxable_lines_with_the_tax_inside_its_amounts(tenant):
    p1, _, p3 = tenant.products
    p3.taxable = False  # a basic necessity: no PPN
    p3.save()
    # Sold with 11% PPN added; the refund gives back 10,000 and 30,000 (the POS's own amounts).
    order = make_order(tenant.outlet, [(p1, "1", "10000", "0"), (p3, "1", "30000", "0")], tax="1100")
    refund = make_refund(order, [(p1, "1", "10000"), (p3, "1", "30000")])

    [planned] = plan_refund(refund, replace(JAKARTA, tax_name="PPN"))

    assert {k: planned.payload[k] for k in ("taxable", "inclusiveTax", "tax1Name")} == {
        "taxable": True,
        "inclusiveTax": True,
        "tax1Name": "PPN",
    }
    assert [(line["itemNo"], line["useTax1"]) for line in planned.payload["detailItem"]] == [
        ("SKU-1", True),
        ("SKU-3", False),
    ]
    # The return's total is the money given back; Accurate carves 990.99 of PPN out of the 10,000.
    assert (planned.expected_total, invoice_total(planned.payload, JAKARTA.tax_rate)) == (
        D("40000"),
        D("40000"),
    )
    assert invoice_tax(planned.payload, JAKARTA.tax_rate) == D("990.99")


@pytest.mark.django_db
def test_a_refund_of_a_synced_customers_sale_names_that_customer(tenant):
    p1 = tenant.products[0]
    order = make_order(tenant.outlet, [(p1, "1", "10000", "0")], customer_code="CUST-9", customer_name="Budi")
    refund = make_refund(order, [(p1, "1", "10000")])

    [planned] = plan_refund(refund, replace(JAKARTA, sync_customers=True))

    assert planned.payload["customerNo"] == "CUST-9"
    assert planned.payload["description"] == "iSeller JKT01 refund RF-0001"
