"""A transfer goes out of the source warehouse into transit when sent, and in from transit when received."""

from __future__ import annotations

import pytest

from sync.mappers import Planned, plan_transfer_in, plan_transfer_out

from .documents import BALI, JAKARTA, D, at, make_transfer

LINES = [{"itemNo": "SKU-1", "quantity": D("5")}, {"itemNo": "SKU-2", "quantity": D("2.5")}]


@pytest.fixture
def transfer(tenant):
    p1, p2, _ = tenant.products
    return make_transfer(
        tenant.outlet,
        tenant.other_outlet,
        [(p1, "5"), (p2, "2.5")],
        # Received at 00:30 WITA on the 21st, which is still the 20th in UTC (and in Jakarta).
        received_at=at("2026-11-20T16:30:00Z"),
        note="Restock",
    )


@pytest.mark.django_db
def test_a_sent_transfer_goes_from_the_source_warehouse_into_transit(transfer, django_assert_num_queries):
    with django_assert_num_queries(0):
        planned = plan_transfer_out(transfer, JAKARTA)

    assert planned == [
        Planned(
            module="item-transfer",
            action="bulk-save",
            number="JKT01-TR-0001-OUT",
            payload={
                "number": "JKT01-TR-0001-OUT",
                "transDate": "20/11/2026",
                "itemTransferType": "TRANSFER_OUT",
                "branchName": "Pusat",
                "warehouseName": "Gudang Utama",
                "referenceWarehouseName": "Transit",
                "description": "iSeller transfer JKT01 TR-0001: Restock",
                "detailItem": LINES,
            },
            stage=1,
        )
    ]


@pytest.mark.django_db
def test_a_received_transfer_comes_from_transit_into_the_destination_on_its_local_date(transfer):
    planned = plan_transfer_in(transfer, JAKARTA, BALI)

    assert planned == [
        Planned(
            module="item-transfer",
            action="bulk-save",
            number="JKT01-TR-0001-IN",
            payload={
                "number": "JKT01-TR-0001-IN",
                "transDate": "21/11/2026",
                "itemTransferType": "TRANSFER_IN",
                "branchName": "Cabang Bali",
                "warehouseName": "Gudang Bali",
                "referenceWarehouseName": "Transit",
                "fromItemTransferNo": "JKT01-TR-0001-OUT",
                "description": "iSeller transfer JKT01 TR-0001: Restock",
                "detailItem": LINES,
            },
            stage=1,
        )
    ]


@pytest.mark.django_db
def test_the_in_names_the_out_it_receives(transfer):
    [sent] = plan_transfer_out(transfer, JAKARTA)
    [received] = plan_transfer_in(transfer, JAKARTA, BALI)

    assert received.payload["fromItemTransferNo"] == sent.number
    assert received.number != sent.number


@pytest.mark.django_db
def test_a_transfer_not_received_yet_has_no_in(tenant):
    transfer = make_transfer(tenant.outlet, tenant.other_outlet, [(tenant.products[0], "1")])

    with pytest.raises(ValueError, match="TR-0001 has not been received yet"):
        plan_transfer_in(transfer, JAKARTA, BALI)
