"""A refund becomes a sales return against the order's invoice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import Planned, plan_refund

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
                "detailItem": [
                    {
                        "itemNo": "SKU-1",
                        "quantity": D("1"),
                        "unitPrice": D("10000"),
                        "warehouseName": "Gudang Utama",
                    },
                    {
                        "itemNo": "SKU-2",
                        "quantity": D("1"),
                        "unitPrice": D("18000"),
                        "warehouseName": "Gudang Utama",
                    },
                ],
            },
            stage=1,
        )
    ]


@pytest.mark.django_db
def test_a_refund_of_a_synced_customers_sale_names_that_customer(tenant):
    p1 = tenant.products[0]
    order = make_order(tenant.outlet, [(p1, "1", "10000", "0")], customer_code="CUST-9", customer_name="Budi")
    refund = make_refund(order, [(p1, "1", "10000")])

    [planned] = plan_refund(refund, replace(JAKARTA, sync_customers=True))

    assert planned.payload["customerNo"] == "CUST-9"
    assert planned.payload["description"] == "iSeller JKT01 refund RF-0001"
