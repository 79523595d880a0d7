"""transDate is the outlet's local date (WIB, WITA, WIT), never the UTC date."""

from __future__ import annotations

import pytest

from sync.mappers import invoice_total, plan_order

from .documents import BALI, JAKARTA, D, make_order


@pytest.mark.django_db
def test_a_sale_at_half_past_eleven_at_night_in_bali_is_booked_that_day(tenant):
    # 23:30 WITA = 15:30 UTC, the same day.
    order = make_order(
        tenant.other_outlet, [(tenant.products[0], "1", "10000", "0")], ordered_at="2026-11-20T15:30:00Z"
    )

    planned = plan_order(order, BALI)

    assert [(p.number, p.payload["transDate"]) for p in planned] == [
        ("BALI1-ORD-0001", "20/11/2026"),
        ("BALI1-ORD-0001-CASH", "20/11/2026"),
    ]
    assert planned[0].payload["branchName"] == "Cabang Bali"
    assert planned[0].payload["detailItem"][0]["warehouseName"] == "Gudang Bali"
    assert invoice_total(planned[0].payload, BALI.tax_rate) == order.total == D("10000")


@pytest.mark.django_db
def test_a_sale_at_half_past_midnight_in_bali_is_booked_on_the_local_day_not_the_utc_one(tenant):
    # 00:30 WITA on the 21st = 16:30 UTC on the 20th.
    order = make_order(
        tenant.other_outlet, [(tenant.products[0], "1", "10000", "0")], ordered_at="2026-11-20T16:30:00Z"
    )

    planned = plan_order(order, BALI)

    assert [(p.number, p.payload["transDate"]) for p in planned] == [
        ("BALI1-ORD-0001", "21/11/2026"),
        ("BALI1-ORD-0001-CASH", "21/11/2026"),
    ]
    assert invoice_total(planned[0].payload, BALI.tax_rate) == order.total


@pytest.mark.django_db
def test_the_same_moment_in_jakarta_is_still_the_evening_before(tenant):
    # 16:30 UTC = 23:30 WIB on the 20th.
    order = make_order(
        tenant.outlet, [(tenant.products[0], "1", "10000", "0")], ordered_at="2026-11-20T16:30:00Z"
    )

    planned = plan_order(order, JAKARTA)

    assert [p.payload["transDate"] for p in planned] == ["20/11/2026", "20/11/2026"]
    assert invoice_total(planned[0].payload, JAKARTA.tax_rate) == order.total
