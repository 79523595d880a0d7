"""A stock adjustment: lines in for + quantities, out for −, against the adjustment account."""

from __future__ import annotations

import pytest

from sync.mappers import Planned, plan_adjustment

from .documents import JAKARTA, D, make_adjustment


@pytest.mark.django_db
def test_an_adjustment_moves_stock_in_and_out_at_unit_cost(tenant, django_assert_num_queries):
    p1, p2, _ = tenant.products
    adjustment = make_adjustment(tenant.outlet, [(p1, "5", "4000"), (p2, "-2", "8000", "pecah")])

    with django_assert_num_queries(0):
        planned = plan_adjustment(adjustment, JAKARTA)

    assert planned == [
        Planned(
            module="item-adjustment",
            action="bulk-save",
            number="JKT01-ADJ-0001",
            payload={
                "number": "JKT01-ADJ-0001",
                "transDate": "20/11/2026",
                "adjustmentAccountNo": "5101",
                "branchName": "Pusat",
                "description": "Barang rusak",
                "detailItem": [
                    {
                        "itemAdjustmentType": "ADJUSTMENT_IN",
                        "itemNo": "SKU-1",
                        "quantity": D("5"),
                        "unitCost": D("4000"),
                        "warehouseName": "Gudang Utama",
                        "detailNotes": "",
                    },
                    {
                        "itemAdjustmentType": "ADJUSTMENT_OUT",
                        "itemNo": "SKU-2",
                        "quantity": D("2"),
                        "unitCost": D("8000"),
                        "warehouseName": "Gudang Utama",
                        "detailNotes": "pecah",
                    },
                ],
            },
            stage=1,
        )
    ]
