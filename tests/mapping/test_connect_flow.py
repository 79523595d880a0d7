"""The whole connect flow against the live sandbox: authorize, consent, callback, database choice."""

import pytest
from django.contrib.sessions.backends.db import SessionStore

import accurate
from accurate import Database
from mapping import crypto
from mapping.models import AccurateList, AddOn, Connection
from mapping.selectors import addon_for_store, connection_for_store
from mapping.services.connection import (
    addon_activate,
    connect_start,
    database_choose,
    databases_for,
    disconnect,
    missing_scopes,
)
from mapping.services.errors import ConnectError
from tests.mapping.conftest import REDIRECT_URI, authorize, callback, params_of

pytestmark = pytest.mark.django_db


def test_the_addon_is_activated_once(tenant):
    first = addon_activate(store=tenant.store, user=tenant.owner)
    again = addon_activate(store=tenant.store, user=tenant.staff)

    assert again.pk == first.pk
    assert AddOn.objects.filter(store=tenant.store).count() == 1
    addon = addon_for_store(tenant.store)
    assert addon is not None
    assert addon.activated_by == tenant.owner


def test_connect_asks_for_every_scope_with_a_random_state(tenant, settings):
    settings.ACCURATE_ACCOUNT_URL = "https://account.example"
    settings.ACCURATE_CLIENT_ID = "client-1"
    session = SessionStore()
    addon_activate(store=tenant.store, user=tenant.owner)

    first = connect_start(store=tenant.store, session=session, redirect_uri=REDIRECT_URI)
    second = connect_start(store=tenant.store, session=session, redirect_uri=REDIRECT_URI)

    assert first.startswith("https://account.example/oauth/authorize?")
    query = params_of(first)
    assert query["scope"] == " ".join(accurate.SCOPES)
    assert query["client_id"] == "client-1"
    assert query["redirect_uri"] == REDIRECT_URI
    assert len(query["state"]) >= 40
    assert query["state"] != params_of(second)["state"]


def test_a_store_connects_and_picks_a_database(tenant, accurate_at):
    session = SessionStore()

    connection = callback(tenant, session, authorize(accurate_at, session, tenant.store))

    assert connection.status == Connection.Status.CHOOSING_DATABASE
    assert connection.accurate_email == "merchant@sandbox.example"
    assert connection.accurate_name == "Merchant Sandbox"
    assert connection.accurate_user_id == "1001"
    assert missing_scopes(connection) == []
    assert databases_for(connection=connection) == [
        Database(id=101, alias="Kopi Nusantara", expired=False, trial=False),
        Database(id=102, alias="Kopi Nusantara (Trial)", expired=False, trial=True),
    ]

    chosen = database_choose(connection=connection, database_id=101)

    row = connection_for_store(tenant.store)
    assert row is not None
    assert row.pk == chosen.pk == connection.pk
    assert row.status == Connection.Status.CONNECTED
    assert row.is_connected
    assert row.database_id == 101
    assert row.database_alias == "Kopi Nusantara"
    assert row.host == accurate_at.url
    assert crypto.decrypt(row.session_encrypted) != ""
    assert row.connected_at is not None


def test_unticked_scopes_are_stored_and_reported_missing(tenant, accurate_at):
    session = SessionStore()
    granted = [scope for scope in accurate.SCOPES if scope not in ("item_save", "customer_save")]

    connection = callback(tenant, session, authorize(accurate_at, session, tenant.store, scopes=granted))

    assert connection.status == Connection.Status.CHOOSING_DATABASE
    assert missing_scopes(connection) == ["item_save", "customer_save"]


def test_an_unknown_database_is_refused(tenant, accurate_at):
    session = SessionStore()
    connection = callback(tenant, session, authorize(accurate_at, session, tenant.store))

    with pytest.raises(ConnectError, match="not one of your Accurate databases"):
        database_choose(connection=connection, database_id=999)

    connection.refresh_from_db()
    assert connection.status == Connection.Status.CHOOSING_DATABASE
    assert connection.database_id is None


def test_a_reconnect_goes_straight_back_to_the_chosen_database(tenant, connected, accurate_at):
    disconnect(connection=connected)
    session = SessionStore()

    again = callback(tenant, session, authorize(accurate_at, session, tenant.store))

    assert again.pk == connected.pk
    assert again.status == Connection.Status.CONNECTED
    assert again.database_id == 101
    assert again.database_alias == "Kopi Nusantara"
    assert again.host == accurate_at.url
    assert crypto.decrypt(again.session_encrypted) != ""
    assert Connection.objects.filter(store=tenant.store).count() == 1


def test_choosing_another_database_forgets_the_kept_lists(connected):
    AccurateList.objects.create(
        connection=connected, kind="branch", rows=[{"id": 1}], fetched_at="2026-01-01T00:00Z"
    )

    database_choose(connection=connected, database_id=102)

    connected.refresh_from_db()
    assert connected.database_alias == "Kopi Nusantara (Trial)"
    assert AccurateList.objects.filter(connection=connected).count() == 0


def test_disconnect_forgets_the_tokens_and_session_and_keeps_the_rest(connected):
    disconnect(connection=connected)

    row = Connection.objects.get(pk=connected.pk)
    assert row.status == Connection.Status.DISCONNECTED
    assert row.access_token_encrypted == ""
    assert row.refresh_token_encrypted == ""
    assert row.session_encrypted == ""
    assert row.host == ""
    assert row.token_expires_at is None
    assert row.database_id == 101
    assert row.accurate_email == "merchant@sandbox.example"
    assert connected.status == Connection.Status.DISCONNECTED
