"""Tokens and sessions never appear in clear in the database or in the logs."""

import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore

from mapping import crypto
from mapping.models import Connection
from mapping.services.connection import database_choose
from mapping.services.lists import accurate_lists_refresh
from tests.mapping.conftest import DB_ID, authorize, callback

pytestmark = pytest.mark.django_db


def test_no_token_or_session_is_in_clear_in_the_row_or_the_logs(tenant, accurate_at, caplog):
    caplog.set_level(logging.DEBUG)
    session = SessionStore()
    connection = callback(tenant, session, authorize(accurate_at, session, tenant.store))
    connection = database_choose(connection=connection, database_id=DB_ID)
    accurate_at.expire_tokens()
    accurate_at.expire_sessions()
    accurate_lists_refresh(connection=connection)  # renews both on the way

    row = Connection.objects.get(pk=connection.pk)
    secrets = [
        crypto.decrypt(row.access_token_encrypted),
        crypto.decrypt(row.refresh_token_encrypted),
        crypto.decrypt(row.session_encrypted),
    ]
    assert all(len(secret) >= 16 for secret in secrets)
    columns = [str(getattr(row, field.attname)) for field in Connection._meta.concrete_fields]
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "accurate token refreshed for connection" in caplog.text
    for secret in secrets:
        assert not any(secret in column for column in columns)
        assert secret not in logged
