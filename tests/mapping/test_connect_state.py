"""The callback refuses a missing, forged, expired or replayed state and an error from Accurate,
and stores nothing then."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.forms.models import model_to_dict

from mapping.models import Connection
from mapping.services.connection import STATE_SESSION_KEY
from mapping.services.errors import ConnectError
from tests.mapping.conftest import authorize, callback

pytestmark = pytest.mark.django_db


def assert_nothing_stored(tenant):
    assert not Connection.objects.filter(store=tenant.store).exists()


def test_a_missing_state_is_refused(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)
    del params["state"]

    with pytest.raises(ConnectError, match="did not say which Connect it belongs to"):
        callback(tenant, session, params)

    assert_nothing_stored(tenant)


def test_a_forged_state_is_refused(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)

    with pytest.raises(ConnectError, match="does not belong to a Connect started here"):
        callback(tenant, session, {**params, "state": "forged-state"})

    assert_nothing_stored(tenant)


def test_a_state_from_another_browser_session_is_refused(tenant, accurate_at):
    params = authorize(accurate_at, SessionStore(), tenant.store)

    with pytest.raises(ConnectError, match="does not belong to a Connect started here"):
        callback(tenant, SessionStore(), params)

    assert_nothing_stored(tenant)


def test_an_expired_state_is_refused_and_used_up(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)
    states = dict(session[STATE_SESSION_KEY])
    states[params["state"]] -= 11 * 60
    session[STATE_SESSION_KEY] = states

    with pytest.raises(ConnectError, match="took longer than 10 minutes"):
        callback(tenant, session, params)

    assert session[STATE_SESSION_KEY] == {}
    assert_nothing_stored(tenant)


def test_a_replayed_state_is_refused_and_changes_nothing(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)
    connection = callback(tenant, session, params)
    before = model_to_dict(Connection.objects.get(pk=connection.pk))

    with pytest.raises(ConnectError, match="or it was already used"):
        callback(tenant, session, params)

    assert model_to_dict(Connection.objects.get(pk=connection.pk)) == before


def test_access_denied_in_accurate_stores_nothing_and_uses_up_the_state(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store, approve=False)
    assert params == {"error": "access_denied", "state": params["state"]}

    with pytest.raises(ConnectError, match="You did not give access in Accurate"):
        callback(tenant, session, params)

    assert_nothing_stored(tenant)
    with pytest.raises(ConnectError, match="or it was already used"):
        callback(tenant, session, params)


def test_a_refused_reconnect_leaves_the_connection_as_it_was(tenant, connected, accurate_at):
    before = model_to_dict(Connection.objects.get(pk=connected.pk))
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store, approve=False)

    with pytest.raises(ConnectError):
        callback(tenant, session, params)

    assert model_to_dict(Connection.objects.get(pk=connected.pk)) == before


def test_a_code_accurate_will_not_exchange_stores_nothing(tenant, accurate_at):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)

    with pytest.raises(ConnectError, match="Accurate did not accept this authorization"):
        callback(tenant, session, {**params, "code": "made-up-code"})

    assert_nothing_stored(tenant)
