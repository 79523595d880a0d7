"""destinations_for: where each of the store's active outlets sends its documents, in a few queries."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from mapping.models import OutletMapping, PaymentAccount, SyncSettings
from sync.destinations import destinations_for
from sync.mappers import Destination


def mapped(outlet, *, active=True, **fields) -> OutletMapping:
    mapping = OutletMapping.objects.create(
        outlet=outlet,
        branch_name=fields.pop("branch_name", "Pusat"),
        warehouse_name=fields.pop("warehouse_name", "Gudang Utama"),
        mdr_account_no="6101",
        payout_account_no="1102",
        refund_account_no="1201",
        sales_discount_account_no="4103",
        tax_account_no="2103",
        service_charge_account_no="4102",
        rounding_account_no="6102",
        adjustment_account_no="5101",
        deposit_account_no="2104",
        active=active,
        **fields,
    )
    PaymentAccount.objects.create(mapping=mapping, method="cash", account_no="1101")
    PaymentAccount.objects.create(mapping=mapping, method="qris", account_no="1102")
    return mapping


@pytest.mark.django_db
def test_only_the_stores_active_outlets_have_a_destination(tenant, outsider, django_assert_num_queries):
    mapped(tenant.outlet)
    mapped(tenant.other_outlet, active=False)
    mapped(outsider.outlet)
    SyncSettings.objects.create(
        store=tenant.store,
        walk_in_customer_no="C-WALKIN",
        sync_customers=True,
        transit_warehouse_name="Transit",
        tax_rate=Decimal("12.00"),
    )

    with django_assert_num_queries(3):
        destinations = destinations_for(tenant.store)

    assert destinations == {
        tenant.outlet.pk: Destination(
            outlet_code="JKT01",
            zone=ZoneInfo("Asia/Jakarta"),
            branch_name="Pusat",
            warehouse_name="Gudang Utama",
            payment_accounts={"cash": "1101", "qris": "1102"},
            mdr_account_no="6101",
            service_charge_account_no="4102",
            rounding_account_no="6102",
            adjustment_account_no="5101",
            deposit_account_no="2104",
            walk_in_customer_no="C-WALKIN",
            sync_customers=True,
            transit_warehouse_name="Transit",
            tax_rate=Decimal("12.00"),
            payout_account_no="1102",
            refund_account_no="1201",
        )
    }


@pytest.mark.django_db
def test_an_outlet_in_wita_has_its_own_zone_and_the_store_without_settings_has_the_defaults(tenant, outsider):
    mapped(tenant.other_outlet, branch_name="Cabang Bali", warehouse_name="Gudang Bali")
    SyncSettings.objects.create(store=outsider.store, walk_in_customer_no="OTHER", tax_rate=Decimal("5"))

    [destination] = destinations_for(tenant.store).values()

    assert (destination.outlet_code, destination.zone, destination.branch_name) == (
        "BALI1",
        ZoneInfo("Asia/Makassar"),
        "Cabang Bali",
    )
    assert (
        destination.walk_in_customer_no,
        destination.sync_customers,
        destination.transit_warehouse_name,
        destination.tax_rate,
    ) == ("", False, "", Decimal("11.00"))


@pytest.mark.django_db
def test_a_store_without_active_outlets_has_no_destinations(tenant, outsider):
    mapped(outsider.outlet)
    mapped(tenant.outlet, active=False)

    assert destinations_for(tenant.store) == {}


@pytest.mark.django_db
def test_choices_the_owner_never_saved_fall_back_to_the_pages_suggestions(tenant, outsider):
    from django.utils import timezone

    from mapping.models import AccurateList, Connection

    mapped(tenant.outlet)
    connection = Connection.objects.create(store=tenant.store, status="connected")
    now = timezone.now()
    AccurateList.objects.create(
        connection=connection,
        kind="customer",
        rows=[
            {"id": 1, "customerNo": "C-1", "no": "C-1", "name": "Budi"},
            {"id": 2, "customerNo": "C-UMUM", "no": "C-UMUM", "name": "Pelanggan Umum"},
        ],
        fetched_at=now,
    )
    AccurateList.objects.create(
        connection=connection,
        kind="warehouse",
        rows=[{"id": 1, "name": "Gudang Utama"}, {"id": 2, "name": "Gudang Transit"}],
        fetched_at=now,
    )

    [destination] = destinations_for(tenant.store).values()

    assert (destination.walk_in_customer_no, destination.transit_warehouse_name) == (
        "C-UMUM",
        "Gudang Transit",
    )
