"""The mapping tests: a test-only Fernet key, and a store connected to the live sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import translation

from mapping.models import Connection
from mapping.services.connection import addon_activate, connect_callback, connect_start, database_choose

# Fixed test-only keys (not secrets). The suite runs with DEBUG off, where a key is required.
TEST_KEY = "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMDAwMDA="
REDIRECT_URI = "http://testserver/apps/accurate/callback/"
DB_ID = 101


@pytest.fixture(autouse=True)
def token_keys(settings: Any) -> None:
    settings.ACCURATE_TOKEN_KEYS = [TEST_KEY]


@pytest.fixture(autouse=True)
def default_language_after_each_test() -> Iterator[None]:
    """A request in Indonesian leaves its language active in the thread (LocaleMiddleware does not
    reset it); messages built outside a request in the next test would come out in Indonesian."""
    yield
    translation.deactivate()


@pytest.fixture
def accurate_at(settings: Any, sandbox: Any) -> Any:
    """Settings pointing the product at the live sandbox; returns the sandbox."""
    settings.ACCURATE_ACCOUNT_URL = sandbox.url
    settings.ACCURATE_CLIENT_ID = sandbox.client_id
    settings.ACCURATE_CLIENT_SECRET = sandbox.client_secret
    return sandbox


def params_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def authorize(sandbox: Any, session: SessionStore, store: Any, **options: Any) -> dict[str, str]:
    """The add-on activated, Connect pressed, then login and consent in the sandbox: the callback's
    query parameters."""
    addon_activate(store=store, user=None)
    url = connect_start(store=store, session=session, redirect_uri=REDIRECT_URI)
    return params_of(sandbox.login_and_authorize(url, **options))


def callback(tenant: Any, session: SessionStore, params: dict[str, str]) -> Connection:
    return connect_callback(
        store=tenant.store, user=tenant.owner, session=session, redirect_uri=REDIRECT_URI, params=params
    )


@pytest.fixture
def connected(tenant: Any, accurate_at: Any) -> Connection:
    """The tenant's store connected to the sandbox's database 101."""
    session = SessionStore()
    connection = callback(tenant, session, authorize(accurate_at, session, tenant.store))
    return database_choose(connection=connection, database_id=DB_ID)
