"""ACCURATE_TOKEN_KEYS is checked before it is needed: `check --deploy` refuses without valid keys,
and the OAuth callback refuses before it spends Accurate's single-use code."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import SystemCheckError

import accurate
from mapping import crypto
from mapping.checks import token_keys_check
from mapping.models import Connection
from mapping.services.connection import NO_KEYS, addon_activate, connect_start
from mapping.services.credentials import account_seam, oauth_config
from mapping.services.errors import ConnectError
from tests.mapping.conftest import REDIRECT_URI, TEST_KEY, authorize, callback

NOT_A_KEY = "not-a-fernet-key"


@pytest.mark.parametrize(
    ("keys", "problem"),
    [([], "ACCURATE_TOKEN_KEYS must be set"), ([TEST_KEY, NOT_A_KEY], "not a Fernet key")],
)
def test_the_deploy_check_refuses_missing_or_invalid_keys(settings, keys, problem):
    settings.ACCURATE_TOKEN_KEYS = keys

    errors = token_keys_check()

    assert [error.id for error in errors] == ["mapping.E001"]
    assert problem in errors[0].msg
    with pytest.raises(SystemCheckError, match=r"mapping\.E001"):
        call_command("check", deploy=True, tags=["security"])


def test_the_deploy_check_passes_with_valid_keys_and_in_the_embedded_run(settings):
    settings.ACCURATE_TOKEN_KEYS = [crypto.generate_key(), TEST_KEY]
    assert token_keys_check() == []

    settings.ACCURATE_TOKEN_KEYS = []
    settings.DEBUG = True  # the embedded run derives its key from SECRET_KEY
    assert token_keys_check() == []


@pytest.mark.django_db
def test_the_callback_refuses_without_keys_before_spending_the_code(tenant, accurate_at, settings):
    session = SessionStore()
    params = authorize(accurate_at, session, tenant.store)
    settings.ACCURATE_TOKEN_KEYS = [NOT_A_KEY]

    with pytest.raises(ConnectError) as refused:
        callback(tenant, session, params)

    assert str(refused.value) == NO_KEYS
    assert not Connection.objects.filter(store=tenant.store).exclude(access_token_encrypted="").exists()
    # The single-use code was not spent: it still exchanges for tokens.
    tokens = accurate.exchange_code(account_seam(), oauth_config(REDIRECT_URI), params["code"])
    assert tokens.access_token


@pytest.mark.django_db
def test_connect_refuses_without_keys_before_sending_the_merchant_to_accurate(tenant, accurate_at, settings):
    session = SessionStore()
    authorize(accurate_at, session, tenant.store)  # activates the add-on
    settings.ACCURATE_TOKEN_KEYS = []

    with pytest.raises(ConnectError, match="ACCURATE_TOKEN_KEYS"):
        connect_start(store=tenant.store, session=session, redirect_uri=REDIRECT_URI)


@pytest.mark.django_db
def test_the_callback_page_shows_the_message(client, tenant, accurate_at, settings):
    addon_activate(store=tenant.store, user=tenant.owner)
    client.force_login(tenant.owner)
    back_from_accurate = accurate_at.login_and_authorize(client.post("/apps/accurate/connect/")["Location"])
    settings.ACCURATE_TOKEN_KEYS = []

    page = client.get(back_from_accurate, follow=True)

    assert page.redirect_chain == [("/apps/accurate/", 302)]
    assert "no valid key to protect Accurate&#x27;s tokens (ACCURATE_TOKEN_KEYS)" in page.content.decode()
    assert not Connection.objects.filter(store=tenant.store).exclude(access_token_encrypted="").exists()
