"""Panel 4, Synchronization schedule: defaults, saving, refusing bad values with the reason, the
walk-in customer and transit warehouse picked from Accurate's kept lists, staff read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from mapping.models import AccurateList, AddOn, SyncSettings
from mapping.selectors import sync_settings_for
from mapping.services.sync_settings import (
    SyncSettingsInvalid,
    sync_settings_update,
    transit_warehouse_default,
    walk_in_customer_default,
)
from tests.mapping.test_pages import connection_for

pytestmark = pytest.mark.django_db

ADDON = "/apps/accurate/"
SAVE = "/apps/accurate/schedule/"
CUSTOMERS = [
    {"id": 1, "no": "C-0001", "name": "PT Kopi Sejahtera"},
    {"id": 2, "no": "C-0002", "name": "Pelanggan Umum"},
    {"id": 3, "no": "C-0003", "name": "Pelanggan Umum Cabang Bali"},
]
GOOD = {
    "transfers_auto": "on",
    "transfers_hour": "21",
    "sales_hour": "6",
    "walk_in_customer_no": "C-0002",
    "sync_customers": "on",
    "transit_warehouse_name": "Transit",
    "tax_rate": "11.50",
    "tax_name": "PPN 11%",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def addon(tenant):
    AddOn.objects.create(store=tenant.store, activated_by=tenant.owner)
    return tenant


@pytest.fixture
def with_lists(addon):
    """Connected, with branches, warehouses (one a transit one), accounts and customers kept."""
    connection = connection_for(addon)
    AccurateList.objects.create(
        connection=connection, kind="customer", rows=CUSTOMERS, fetched_at=timezone.now()
    )
    return addon


def saved(tenant) -> dict[str, object]:
    found = SyncSettings.objects.get(store=tenant.store)
    return {field: getattr(found, field) for field in GOOD}


# --- selector and service ---


def test_a_store_that_never_saved_gets_the_default_settings_unsaved(tenant):
    settings = sync_settings_for(tenant.store)

    assert settings.pk is None
    assert (settings.transfers_auto, settings.transfers_hour) == (True, 22)
    assert (settings.sales_on_shift_close, settings.sales_hour) == (True, 23)
    assert settings.tax_rate == Decimal("11.00")
    assert not SyncSettings.objects.exists()


def test_the_service_saves_the_values_given_and_keeps_the_others(tenant):
    sync_settings_update(store=tenant.store, data={"sales_on_shift_close": False, "sales_hour": 0})
    sync_settings_update(store=tenant.store, data={"tax_rate": Decimal("12"), "walk_in_customer_no": " C-9 "})

    settings = SyncSettings.objects.get(store=tenant.store)
    assert (settings.sales_on_shift_close, settings.sales_hour) == (False, 0)
    assert (settings.transfers_auto, settings.transfers_hour) == (True, 22)
    assert settings.tax_rate == Decimal("12.00")
    assert settings.walk_in_customer_no == "C-9"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"transfers_hour": 24}, "transfers_hour", "Choose the transfers hour as a whole hour from 0 to 23."),
        ({"sales_hour": -1}, "sales_hour", "Choose the sales hour as a whole hour from 0 to 23."),
        ({"tax_rate": Decimal("100.01")}, "tax_rate", "The tax rate must be from 0 to 100 %."),
        ({"tax_rate": Decimal("-1")}, "tax_rate", "The tax rate must be from 0 to 100 %."),
        ({"tax_rate": Decimal("11.255")}, "tax_rate", "The tax rate takes at most 2 decimals, like 11.25."),
        ({"tax_rate": "NaN"}, "tax_rate", "The tax rate must be from 0 to 100 %."),
        (
            {"walk_in_customer_no": "C" * 51},
            "walk_in_customer_no",
            "The walk-in customer number is at most 50 characters.",
        ),
        ({"tax_name": "P" * 101}, "tax_name", "The PPN tax name is at most 100 characters."),
        ({"tax_name": 11}, "tax_name", "The PPN tax name must be text."),
    ],
)
def test_the_service_refuses_a_bad_value_and_saves_nothing(tenant, data, field, message):
    with pytest.raises(SyncSettingsInvalid) as refused:
        sync_settings_update(store=tenant.store, data={"sales_hour": 5, **data})

    assert refused.value.problems == {field: message}
    assert not SyncSettings.objects.exists()


def test_the_edges_of_the_ranges_are_accepted(tenant):
    sync_settings_update(
        store=tenant.store, data={"transfers_hour": 0, "sales_hour": 23, "tax_rate": Decimal("100.00")}
    )
    sync_settings_update(store=tenant.store, data={"tax_rate": Decimal("0")})

    settings = SyncSettings.objects.get(store=tenant.store)
    assert (settings.transfers_hour, settings.sales_hour, settings.tax_rate) == (0, 23, Decimal("0.00"))


def test_the_walk_in_customer_and_transit_warehouse_are_suggested_by_name():
    assert walk_in_customer_default(CUSTOMERS) == "C-0002"
    assert walk_in_customer_default([{"no": "W1", "name": "Walk-in Customer"}]) == "W1"
    assert walk_in_customer_default([{"no": "C1", "name": "Umumnya"}]) == ""
    assert transit_warehouse_default([{"name": "Gudang Transit", "transit": False}]) == "Gudang Transit"
    assert (
        transit_warehouse_default(
            [{"name": "Antar Gudang", "transit": True}, {"name": "Transit", "transit": False}]
        )
        == "Antar Gudang"
    )
    assert transit_warehouse_default([{"name": "Transit", "transit": True, "suspended": True}]) == ""


# --- the panel ---


def test_the_panel_picks_from_accurates_lists_with_suggestions_and_names_the_time_zone(with_lists):
    response = client_for(with_lists.owner).get(ADDON)

    form = response.context["schedule_form"]
    assert form["walk_in_customer_no"].initial == "C-0002"
    assert form["transit_warehouse_name"].initial == "Transit"
    assert [value for value, _ in form.fields["walk_in_customer_no"].choices] == [
        "",
        "C-0001",
        "C-0002",
        "C-0003",
    ]
    body = response.content.decode()
    assert '<strong data-testid="schedule-zone">Asia/Jakarta</strong>' in body
    assert 'data-testid="schedule-unsaved"' in body
    assert '<option value="C-0002" selected>C-0002 · Pelanggan Umum</option>' in body


def test_without_kept_lists_the_customer_and_warehouse_are_typed(addon):
    response = client_for(addon.owner).get(ADDON)

    body = response.content.decode()
    assert '<input type="text" name="walk_in_customer_no"' in body
    assert '<input type="text" name="transit_warehouse_name"' in body


def test_the_owner_saves_the_schedule(with_lists):
    response = client_for(with_lists.owner).post(SAVE, GOOD, follow=True)

    assert response.redirect_chain == [(f"{ADDON}#schedule", 302)]
    assert "The synchronization schedule is saved." in response.content.decode()
    assert saved(with_lists) == {
        "transfers_auto": True,
        "transfers_hour": 21,
        "sales_hour": 6,
        "walk_in_customer_no": "C-0002",
        "sync_customers": True,
        "transit_warehouse_name": "Transit",
        "tax_rate": Decimal("11.50"),
        "tax_name": "PPN 11%",
    }
    assert SyncSettings.objects.get(store=with_lists.store).sales_on_shift_close is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("transfers_hour", "24", "Choose the transfers hour as a whole hour from 0 to 23."),
        ("sales_hour", "7.5", "Enter a whole hour, 0 to 23."),
        ("sales_hour", "", "Choose the sales hour."),
        ("tax_rate", "101", "The tax rate must be from 0 to 100 %."),
        ("tax_rate", "11.125", "The tax rate takes at most 2 decimals, like 11.25."),
        ("tax_rate", "sebelas", "Enter the tax rate as a number, like 11 or 11.5."),
        (
            "walk_in_customer_no",
            "C-4040",
            "Select a valid choice. C-4040 is not one of the available choices.",
        ),
    ],
)
def test_a_bad_value_is_refused_with_its_reason_and_nothing_is_saved(with_lists, field, value, message):
    response = client_for(with_lists.owner).post(SAVE, {**GOOD, field: value})

    assert response.status_code == 200
    assert response.context["schedule_form"].errors == {field: [message]}
    assert f'<div class="error" data-error="{field}">{message}</div>' in response.content.decode()
    assert not SyncSettings.objects.exists()


def test_a_saved_choice_accurate_no_longer_has_stays_choosable(with_lists):
    SyncSettings.objects.create(store=with_lists.store, walk_in_customer_no="C-OLD")

    response = client_for(with_lists.owner).post(SAVE, {**GOOD, "walk_in_customer_no": "C-OLD"})

    assert response.status_code == 302
    assert SyncSettings.objects.get(store=with_lists.store).walk_in_customer_no == "C-OLD"


def test_staff_see_the_schedule_but_cannot_change_it(with_lists):
    SyncSettings.objects.create(store=with_lists.store, transfers_hour=20)
    client = client_for(with_lists.staff)

    body = client.get(ADDON).content.decode()
    response = client.post(SAVE, GOOD)

    assert "The store owner changes the schedule." in body
    assert "Save schedule" not in body
    assert 'name="transfers_hour" value="20"' in body
    assert response.status_code == 403
    assert SyncSettings.objects.get(store=with_lists.store).transfers_hour == 20


def test_each_store_saves_only_its_own_schedule(with_lists, outsider):
    AddOn.objects.create(store=outsider.store, activated_by=outsider.owner)

    client_for(outsider.owner).post(SAVE, {**GOOD, "walk_in_customer_no": "X-1", "transfers_hour": "3"})

    assert saved(outsider)["transfers_hour"] == 3
    assert not SyncSettings.objects.filter(store=with_lists.store).exists()
    assert sync_settings_for(with_lists.store).transfers_hour == 22


# --- landing on panel 4 ---


def test_the_schedule_form_posts_to_the_panels_anchor(with_lists):
    body = client_for(with_lists.owner).get(ADDON).content.decode()

    assert '<section class="card panel" id="schedule" data-testid="panel-schedule">' in body
    assert f'<form method="post" action="{SAVE}#schedule" class="mapping-form"' in body


def test_a_refused_save_shows_panel_4_again_with_the_anchor_kept_for_the_next_try(with_lists):
    response = client_for(with_lists.owner).post(SAVE, {**GOOD, "sales_hour": "24"})

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{SAVE}#schedule" class="mapping-form"' in body
    assert (
        '<div class="error" data-error="sales_hour">Choose the sales hour as a whole hour from 0 to 23.</div>'
    ) in body


def test_opening_the_save_address_goes_back_to_panel_4(with_lists):
    # The language picker sends the merchant back to the page's address: after a refused save, that
    # is the save address itself.
    response = client_for(with_lists.staff).get(SAVE)

    assert (response.status_code, response["Location"]) == (302, f"{ADDON}#schedule")
