"""A stock take sets the counted quantities (item-adjustment/save-target-quantity)."""

from __future__ import annotations

import pytest

from sync.mappers import Planned, plan_stock_take

from .documents import JAKARTA, D, make_stock_take


@pytest.mark.django_db
def test_a_stock_take_sends_the_counted_quantities(tenant, django_assert_num_queries):
    p1, p2, _ = tenant.products
    stock_take = make_stock_take(tenant.outlet, [(p1, "12"), (p2, "0")], note="Akhir bulan")

    with django_assert_num_queries(0):
        planned = plan_stock_take(stock_take, JAKARTA)

    assert planned == [
        Planned(
            module="item-adjustment",
            action="save-target-quantity",
            number="JKT01-ST-0001-ST",
            payload={
                "number": "JKT01-ST-0001-ST",
                "transDate": "20/11/2026",
                "adjustmentAccountNo": "5101",
                "branchName": "Pusat",
                "description": "iSeller stock take JKT01 ST-0001: Akhir bulan",
                "detail": [
                    {"itemNo": "SKU-1", "targetQuantity": D("12"), "warehouseName": "Gudang Utama"},
                    {"itemNo": "SKU-2", "targetQuantity": D("0"), "warehouseName": "Gudang Utama"},
                ],
            },
            stage=1,
        )
    ]
