"""The Apps page and the Accurate add-on page: panels per connection state, permissions, store scoping.

Connections and lists are mostly rows built here; the database picker, creating a branch and a
warehouse, and refreshing the lists talk to the live sandbox.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

import accurate
from mapping.models import AccurateList, AddOn, Connection, OutletMapping
from mapping.services.outlets import outlet_mapping_save
from tests.mapping.conftest import authorize, callback
from tests.mapping.test_outlet_mapping import ACCOUNTS, BRANCHES, COMPLETE, WAREHOUSES

pytestmark = pytest.mark.django_db

ADDON = "/apps/accurate/"


def addon_for(tenant):
    return AddOn.objects.get_or_create(store=tenant.store, defaults={"activated_by": tenant.owner})[0]


def connection_for(tenant, status=Connection.Status.CONNECTED, scopes=accurate.SCOPES):
    connection = Connection.objects.create(
        store=tenant.store,
        status=status,
        accurate_email="merchant@sandbox.example",
        database_id=101,
        database_alias="Kopi Nusantara",
        scopes=" ".join(scopes),
        connected_at=datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
        needs_reconnect_since=timezone.now() if status == Connection.Status.NEEDS_RECONNECT else None,
    )
    for kind, rows in (("glaccount", ACCOUNTS), ("branch", BRANCHES), ("warehouse", WAREHOUSES)):
        AccurateList.objects.create(connection=connection, kind=kind, rows=rows, fetched_at=timezone.now())
    return connection


@pytest.fixture
def accurate_now(monkeypatch):
    """What Accurate has when an activation reads the lists again: the kept lists, unless a test
    removes something (these page tests run without Accurate; the sandbox tests cover the fetch)."""
    removed: dict[str, set[str]] = {}
    refreshed: list[int] = []

    def refresh(*, connection):
        refreshed.append(connection.pk)
        for kept in AccurateList.objects.filter(connection=connection, kind__in=list(removed)):
            kept.rows = [
                row for row in kept.rows if str(row.get("name", row.get("no"))) not in removed[kept.kind]
            ]
            kept.save()

    monkeypatch.setattr("mapping.services.outlet_submit.accurate_lists_refresh", refresh)
    return removed, refreshed


@pytest.fixture
def ready(tenant, accurate_now):
    """The tenant with the add-on active and a connected database with its lists kept."""
    addon_for(tenant)
    connection_for(tenant)
    return tenant


def outlet_url(outlet, action=""):
    return f"{ADDON}outlets/{outlet.pk}/{action}"


def form_post(**changes):
    """The outlet form as the browser posts it, with the complete mapping of the tests."""
    fields = {key: value for key, value in COMPLETE.items() if key != "payments"}
    fields |= {f"payment_{method}": no for method, no in COMPLETE["payments"].items()}
    places = {"new_branch": "", "new_warehouse": "", "new_clearing_no": "", "new_clearing_name": ""}
    return {**fields, **places, "action": "save", **changes}


# --- the Apps page and menu ---


def test_the_apps_page_offers_the_owner_to_activate_the_addon(client, tenant):
    client.force_login(tenant.owner)

    response = client.get("/apps/")

    assert response.status_code == 200
    assert b'action="/apps/accurate/activate/"' in response.content
    assert b'data-testid="apps-accurate"' not in response.content


def test_the_owner_activates_the_addon_and_it_appears_in_the_apps_menu(client, tenant):
    client.force_login(tenant.owner)

    response = client.post("/apps/accurate/activate/")

    assert (response.status_code, response["Location"]) == (302, ADDON)
    addon = AddOn.objects.get(store=tenant.store)
    assert addon.activated_by == tenant.owner
    dashboard = client.get("/")
    assert b'<a href="/apps/accurate/" data-testid="apps-accurate">Accurate</a>' in dashboard.content


def test_the_addon_page_sends_back_to_apps_until_the_addon_is_active(client, tenant):
    client.force_login(tenant.owner)

    response = client.get(ADDON)

    assert (response.status_code, response["Location"]) == (302, "/apps/")


# --- the connection panel in each state ---


def test_not_connected_the_owner_sees_connect_and_placeholders_for_later_panels(client, tenant):
    addon_for(tenant)
    client.force_login(tenant.owner)

    response = client.get(ADDON)

    html = response.content.decode()
    assert 'action="/apps/accurate/connect/"' in html
    assert "Connect to Accurate" in html
    assert "Connect to an Accurate database to map the outlets." in html
    for panel in ("panel-products", "panel-schedule", "panel-activity"):
        assert f'data-testid="{panel}"' in html
    # Every panel is there now (activity: tests/sync/test_activity_panel.py).
    assert "comes in a later release" not in html


def test_connect_sends_the_owner_to_accuratess_authorize_page_with_a_state(client, tenant, settings):
    settings.ACCURATE_ACCOUNT_URL = "https://account.example"
    addon_for(tenant)
    client.force_login(tenant.owner)

    response = client.post("/apps/accurate/connect/")

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "account.example", "/oauth/authorize")
    assert query["redirect_uri"] == ["http://testserver/apps/accurate/callback/"]
    assert len(query["state"][0]) >= 20


def test_a_forged_state_at_the_callback_shows_a_message_and_stores_nothing(client, tenant):
    addon_for(tenant)
    client.force_login(tenant.owner)
    client.post("/apps/accurate/connect/")

    response = client.get("/apps/accurate/callback/", {"code": "abc", "state": "forged"}, follow=True)

    assert response.redirect_chain == [(ADDON, 302)]
    assert len(list(response.context["messages"])) == 1
    assert b'class="message error"' in response.content
    assert not Connection.objects.filter(store=tenant.store).exclude(access_token_encrypted="").exists()


def test_after_consent_the_owner_picks_a_database_with_trial_marked(client, tenant, accurate_at):
    addon_for(tenant)
    session = SessionStore()
    callback(tenant, session, authorize(accurate_at, session, tenant.store))
    client.force_login(tenant.owner)

    response = client.get(ADDON)

    html = response.content.decode()
    assert 'data-testid="database-picker"' in html
    assert 'value="101" checked' in html
    assert 'value="102"' in html
    assert html.count('<span class="badge pending">trial</span>') == 1


def test_connected_the_page_says_as_whom_to_which_database_since_when(client, ready):
    client.force_login(ready.owner)

    response = client.get(ADDON)

    html = response.content.decode()
    assert (
        "Connected as <strong>merchant@sandbox.example</strong> to database "
        "“<strong>Kopi Nusantara</strong>” since 2030-01-02 10:04."
    ) in html
    assert 'action="/apps/accurate/disconnect/"' in html
    assert 'data-testid="missing-scopes"' not in html
    states = [(row.outlet.code, row.state) for row in response.context["rows"]]
    assert states == [("BALI1", "not_integrated"), ("JKT01", "not_integrated")]
    assert "Rp 0" in html


def test_missing_scopes_are_warned_about(client, tenant):
    addon_for(tenant)
    connection_for(tenant, scopes=[s for s in accurate.SCOPES if s != "item_save"])
    client.force_login(tenant.owner)

    response = client.get(ADDON)

    assert response.context["missing_scopes"] == ["item_save"]
    assert b'data-testid="missing-scopes"' in response.content


def test_a_connection_needing_reconnect_shows_the_banner_with_reconnect(client, tenant):
    addon_for(tenant)
    connection_for(tenant, status=Connection.Status.NEEDS_RECONNECT)
    client.force_login(tenant.owner)

    response = client.get(ADDON)

    html = response.content.decode()
    assert 'data-testid="reconnect-banner"' in html
    assert "Reconnect</button>" in html


def test_the_owner_disconnects(client, ready):
    client.force_login(ready.owner)

    response = client.post("/apps/accurate/disconnect/", follow=True)

    assert response.redirect_chain == [(ADDON, 302)]
    assert Connection.objects.get(store=ready.store).status == Connection.Status.DISCONNECTED
    assert b"Connect to Accurate" in response.content


# --- outlet mapping ---


def test_the_outlet_form_is_prefilled_with_the_defaults(client, ready):
    client.force_login(ready.owner)

    response = client.get(outlet_url(ready.outlet))

    assert response.status_code == 200
    initial = response.context["form"].initial
    # One usable branch (the other is suspended) and one warehouse that is not a transit one.
    assert (initial["branch_name"], initial["warehouse_name"]) == ("Pusat", "Gudang Utama")
    assert initial["payment_cash"] == "1102"
    assert initial["tax_account_no"] == "2103"
    assert b'<option value="1102" selected>1102 \xc2\xb7 Kas</option>' in response.content


def test_the_owner_saves_and_activates_the_first_outlet_for_free(client, ready):
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(action="activate"), follow=True)

    assert response.redirect_chain == [(ADDON, 302)]
    mapping = OutletMapping.objects.get(outlet=ready.outlet)
    assert (mapping.active, mapping.branch_name, mapping.tax_account_no) == (True, "Pusat", "2103")
    states = [(row.outlet.code, row.state) for row in response.context["rows"]]
    assert states == [("BALI1", "not_integrated"), ("JKT01", "active")]
    assert b'data-testid="active-check"' in response.content


def test_activation_checks_against_what_accurate_has_now(client, ready, accurate_now):
    removed, refreshed = accurate_now
    removed["branch"] = {"Pusat"}  # deleted in Accurate after the lists were kept
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(action="activate"))

    assert refreshed == [Connection.objects.get(store=ready.store).pk]
    assert "branch_name" in response.context["problems"]
    assert OutletMapping.objects.get(outlet=ready.outlet).active is False


def test_activation_problems_are_shown_field_by_field_and_the_mapping_is_saved(client, ready):
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(action="activate", tax_account_no=""))

    assert response.status_code == 200
    assert response.context["problems"] == {"tax_account_no": "Choose the tax account."}
    assert (
        b'<div class="error" data-problem="tax_account_no">Choose the tax account.</div>' in response.content
    )
    mapping = OutletMapping.objects.get(outlet=ready.outlet)
    assert (mapping.active, mapping.branch_name) == (False, "Pusat")


def test_a_second_outlet_shows_the_fee_and_activates_only_when_confirmed(client, ready, settings):
    settings.ACCURATE_EXTRA_OUTLET_FEE = 99000
    client.force_login(ready.owner)
    client.post(outlet_url(ready.outlet), form_post(action="activate"))

    page = client.get(outlet_url(ready.other_outlet))
    refused = client.post(outlet_url(ready.other_outlet), form_post(action="activate"))

    assert b"adds <strong>Rp 99.000</strong> a month" in page.content
    assert refused.status_code == 200
    assert refused.context["fee_refused"] is True
    # The first time it is asked for, not an error (tests/mapping/test_outlet_page_choices.py).
    assert b'data-testid="fee-ask"' in refused.content
    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is False

    confirmed = client.post(
        outlet_url(ready.other_outlet), form_post(action="activate", confirm_fee="on"), follow=True
    )

    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is True
    assert confirmed.context["monthly_fee"] == 99000
    assert b'data-testid="monthly-fee">Rp 99.000<' in confirmed.content


def test_the_owner_deactivates_an_outlet(client, ready):
    client.force_login(ready.owner)
    client.post(outlet_url(ready.outlet), form_post(action="activate"))

    response = client.post(outlet_url(ready.outlet, "deactivate/"))

    assert (response.status_code, response["Location"]) == (302, ADDON)
    assert OutletMapping.objects.get(outlet=ready.outlet).active is False


# --- permissions and scoping ---

OWNER_POSTS = [
    "/apps/accurate/activate/",
    "/apps/accurate/connect/",
    "/apps/accurate/database/",
    "/apps/accurate/disconnect/",
    "/apps/accurate/refresh/",
]


def test_staff_can_view_every_page_without_the_owners_buttons(client, ready):
    outlet_mapping_save(outlet=ready.outlet, data=COMPLETE)
    client.force_login(ready.staff)

    pages = [client.get(url) for url in ("/apps/", ADDON, outlet_url(ready.outlet))]

    assert [page.status_code for page in pages] == [200, 200, 200]
    html = "".join(page.content.decode() for page in pages)
    # The top bar's buttons (language, Log out) are everyone's; the owner's buttons are below it.
    below_top_bar = "".join(page.content.decode().split("</header>", 1)[1] for page in pages)
    assert "<button" not in below_top_bar
    assert "<fieldset disabled>" in html


@pytest.mark.parametrize("url", OWNER_POSTS)
def test_staff_get_403_on_posts_that_change_the_connection(client, ready, url):
    client.force_login(ready.staff)

    assert client.post(url, {"database_id": "101"}).status_code == 403
    assert Connection.objects.get(store=ready.store).status == Connection.Status.CONNECTED


def test_staff_get_403_at_the_callback(client, ready):
    client.force_login(ready.staff)

    assert client.get("/apps/accurate/callback/", {"code": "x", "state": "y"}).status_code == 403


def test_staff_get_403_on_saving_activating_and_deactivating_an_outlet(client, ready):
    mapping = outlet_mapping_save(outlet=ready.other_outlet, data=COMPLETE)
    OutletMapping.objects.filter(pk=mapping.pk).update(active=True)
    client.force_login(ready.staff)

    saving = client.post(outlet_url(ready.outlet), form_post(action="activate"))
    deactivating = client.post(outlet_url(ready.other_outlet, "deactivate/"))

    assert (saving.status_code, deactivating.status_code) == (403, 403)
    assert not OutletMapping.objects.filter(outlet=ready.outlet).exists()
    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is True


def test_another_stores_owner_gets_404_on_every_outlet_url_of_this_store(client, ready, outsider):
    addon_for(outsider)
    connection_for(outsider)
    outlet_mapping_save(outlet=ready.outlet, data=COMPLETE)
    client.force_login(outsider.owner)

    answers = [
        client.get(outlet_url(ready.outlet)).status_code,
        client.post(outlet_url(ready.outlet), form_post(action="activate")).status_code,
        client.post(outlet_url(ready.outlet, "deactivate/")).status_code,
        client.get(outlet_url(ready.other_outlet)).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert OutletMapping.objects.get(outlet=ready.outlet).active is False


def test_another_stores_addon_page_shows_only_its_own_outlets(client, ready, outsider):
    addon_for(outsider)
    connection_for(outsider)
    client.force_login(outsider.owner)

    response = client.get(ADDON)

    assert {row.outlet.store_id for row in response.context["rows"]} == {outsider.store.pk}
    assert f'href="{outlet_url(ready.outlet)}"' not in response.content.decode()


# --- against the live sandbox: creating a branch and a warehouse, refreshing the lists ---


def test_the_owner_creates_a_branch_and_a_warehouse_in_accurate_from_the_form(client, tenant, connected):
    addon_for(tenant)
    client.force_login(tenant.owner)
    post = form_post(
        branch_name="",
        warehouse_name="",
        new_branch="Cabang Bandung",
        new_warehouse="Gudang Bandung",
        payment_iseller_pay="1103",  # the sandbox's clearing account (1104 is the test chart's)
    )

    response = client.post(outlet_url(tenant.outlet), post)

    assert (response.status_code, response["Location"]) == (302, outlet_url(tenant.outlet))
    mapping = OutletMapping.objects.get(outlet=tenant.outlet)
    assert (mapping.branch_name, mapping.warehouse_name) == ("Cabang Bandung", "Gudang Bandung")
    branches = AccurateList.objects.get(connection=connected, kind="branch").rows
    assert [row["name"] for row in branches] == ["Pusat", "Cabang Bali", "Cabang Bandung"]
    page = client.get(outlet_url(tenant.outlet))
    assert page.context["form"].initial["branch_name"] == "Cabang Bandung"


def test_refresh_reads_the_lists_from_accurate_again(client, tenant, connected):
    addon_for(tenant)
    client.force_login(tenant.owner)
    AccurateList.objects.create(connection=connected, kind="branch", rows=[], fetched_at=timezone.now())

    response = client.post("/apps/accurate/refresh/", follow=True)

    assert response.redirect_chain == [(ADDON, 302)]
    branches = AccurateList.objects.get(connection=connected, kind="branch").rows
    assert [row["name"] for row in branches] == ["Pusat", "Cabang Bali"]
    assert b"refreshed from Accurate" in response.content
