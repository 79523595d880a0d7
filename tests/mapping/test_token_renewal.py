"""Token refresh once for all workers, a refused refresh pausing the connection, session renewal."""

import threading

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection as db_connection

from accurate import AccurateError, ErrorKind
from mapping import crypto
from mapping.models import Connection
from mapping.services.connection import ConnectionCredentials, accurate_client_for, database_choose
from tests.mapping.conftest import DB_ID, authorize, callback

WORKERS = 8


def connect(tenant, sandbox):
    session = SessionStore()
    connection = callback(tenant, session, authorize(sandbox, session, tenant.store))
    return database_choose(connection=connection, database_id=DB_ID)


def branch_names(connection_id):
    client = accurate_client_for(Connection.objects.get(pk=connection_id))
    return [row["name"] for row in client.list("branch", fields=("id", "name"))]


@pytest.mark.django_db(transaction=True)
def test_many_workers_with_an_expired_token_refresh_it_exactly_once(tenant, accurate_at):
    connection = connect(tenant, accurate_at)
    old_token = crypto.decrypt(connection.access_token_encrypted)
    accurate_at.expire_tokens()
    refreshes_before = accurate_at.inspect()["counters"]["token_refreshes"]
    start = threading.Barrier(WORKERS)
    results: list[object] = []

    def worker():
        try:
            start.wait()
            results.append(branch_names(connection.pk))
        except Exception as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            db_connection.close()  # each thread had its own database connection

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [["Pusat", "Cabang Bali"]] * WORKERS
    assert accurate_at.inspect()["counters"]["token_refreshes"] == refreshes_before + 1
    row = Connection.objects.get(pk=connection.pk)
    assert row.status == Connection.Status.CONNECTED
    assert crypto.decrypt(row.access_token_encrypted) not in ("", old_token)


@pytest.mark.django_db
def test_a_revoked_token_needs_a_reconnect_and_emails_the_owners_once(tenant, accurate_at):
    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    User.objects.filter(pk=tenant.staff.pk).update(email="staff@kopi.example")
    connection = connect(tenant, accurate_at)
    # A second worker holds the same credentials and fails after the first one.
    stale = ConnectionCredentials(connection.pk).current()
    accurate_at.token()  # the same Accurate user authorizes another app flow: our tokens die

    with pytest.raises(AccurateError) as first:
        branch_names(connection.pk)
    with pytest.raises(AccurateError) as second:
        ConnectionCredentials(connection.pk).renew_token(stale)

    assert first.value.kind is ErrorKind.token_invalid
    assert first.value.retryable is False
    assert second.value.kind is ErrorKind.token_invalid
    row = Connection.objects.get(pk=connection.pk)
    assert row.status == Connection.Status.NEEDS_RECONNECT
    assert row.needs_reconnect_since is not None
    assert row.reconnect_email_sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@kopi.example"]
    assert message.subject == "Reconnect Toko Kopi to Accurate"
    assert "/apps/accurate/" in message.body
    assert "synchronization to Accurate is paused" in message.body


@pytest.mark.django_db
def test_while_it_needs_a_reconnect_no_call_reaches_accurate(tenant, accurate_at):
    connection = connect(tenant, accurate_at)
    Connection.objects.filter(pk=connection.pk).update(status=Connection.Status.NEEDS_RECONNECT)
    requests_before = accurate_at.inspect()["counters"]["requests"]

    with pytest.raises(AccurateError) as error:
        branch_names(connection.pk)

    assert error.value.kind is ErrorKind.token_invalid
    assert error.value.messages == ["The store is not connected to Accurate."]
    assert accurate_at.inspect()["counters"]["requests"] == requests_before


@pytest.mark.django_db
def test_a_reconnect_clears_the_needs_reconnect_mark(tenant, accurate_at):
    connection = connect(tenant, accurate_at)
    accurate_at.token()
    with pytest.raises(AccurateError):
        branch_names(connection.pk)

    again = connect(tenant, accurate_at)

    assert again.status == Connection.Status.CONNECTED
    assert again.needs_reconnect_since is None
    assert again.reconnect_email_sent_at is None
    assert branch_names(connection.pk) == ["Pusat", "Cabang Bali"]


@pytest.mark.django_db
def test_an_expired_session_is_renewed_and_stored(tenant, accurate_at):
    connection = connect(tenant, accurate_at)
    old_session = crypto.decrypt(connection.session_encrypted)
    accurate_at.expire_sessions()

    assert branch_names(connection.pk) == ["Pusat", "Cabang Bali"]

    row = Connection.objects.get(pk=connection.pk)
    assert crypto.decrypt(row.session_encrypted) not in ("", old_session)
    assert row.status == Connection.Status.CONNECTED
