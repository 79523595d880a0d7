"""The connection as the Accurate client's credential provider, and the client built on it.

Tokens are read from the row (decrypted) on every use and renewed under the row's lock, so every
web and worker process shares one token chain: a refresh token works once, and refreshing kills the
old access token at once, so two processes refreshing together would break the connection.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

import accurate
from accurate import AccurateError, Credentials, ErrorKind
from mapping import crypto
from mapping.models import Connection
from outlets.models import Membership

logger = logging.getLogger(__name__)

ADDON_PATH = "/apps/accurate/"
# The token and session renewals hold the connection's row lock while they wait for Accurate, so
# the account host gets short timeouts: a hung call must not keep every worker waiting long.
ACCOUNT_CONNECT_TIMEOUT = 5.0
ACCOUNT_READ_TIMEOUT = 15.0
NOT_CONNECTED = "The store is not connected to Accurate."


@cache
def data_seam() -> accurate.HttpSeam:
    """The one seam (and its pooled HTTP connections) for data calls in this process."""
    return accurate.HttpSeam()


@cache
def account_seam() -> accurate.HttpSeam:
    """The seam for the account host (tokens, databases, sessions), with short timeouts."""
    return accurate.HttpSeam(connect_timeout=ACCOUNT_CONNECT_TIMEOUT, read_timeout=ACCOUNT_READ_TIMEOUT)


@cache
def rate_limiter() -> accurate.RateLimiter:
    """One limiter per process; with Redis it is shared by every process of every machine."""
    return accurate.rate_limiter(
        settings.REDIS_URL or None,
        per_second=settings.ACCURATE_RATE_PER_SECOND,
        in_flight=settings.ACCURATE_MAX_IN_FLIGHT,
    )


def oauth_config(redirect_uri: str = "") -> accurate.OAuthConfig:
    return accurate.OAuthConfig(
        account_url=settings.ACCURATE_ACCOUNT_URL,
        client_id=settings.ACCURATE_CLIENT_ID,
        client_secret=settings.ACCURATE_CLIENT_SECRET,
        redirect_uri=redirect_uri,
    )


def accurate_client_for(connection: Connection) -> accurate.AccurateClient:
    """A client for the connection's database, renewing its token and session through the row."""
    return accurate.AccurateClient(ConnectionCredentials(connection.pk), data_seam(), rate_limiter())


class ConnectionCredentials:
    """`accurate.CredentialProvider` over one Connection row (by id: it re-reads on every use)."""

    def __init__(self, connection_id: int) -> None:
        self.connection_id = connection_id

    def current(self) -> Credentials:
        row = Connection.objects.get(pk=self.connection_id)
        if row.status != Connection.Status.CONNECTED or not row.host:
            raise AccurateError(ErrorKind.token_invalid, [NOT_CONNECTED])
        return _credentials(row)

    def token_only(self) -> Credentials:
        """The token for account calls, before a database is chosen (no host or session yet)."""
        row = Connection.objects.get(pk=self.connection_id)
        if row.status not in (Connection.Status.CONNECTED, Connection.Status.CHOOSING_DATABASE):
            raise AccurateError(ErrorKind.token_invalid, [NOT_CONNECTED])
        return _credentials(row)

    def renew_token(self, stale: Credentials) -> Credentials:
        # The one network call made inside a transaction, on purpose: the row lock is what makes a
        # single refresh for all workers. The others wait on the lock, then see the new token. The
        # account seam's short timeouts bound how long the lock is held.
        with transaction.atomic():
            row = Connection.objects.select_for_update().get(pk=self.connection_id)
            if row.status in (Connection.Status.DISCONNECTED, Connection.Status.NEEDS_RECONNECT):
                raise AccurateError(ErrorKind.token_invalid, [NOT_CONNECTED])
            stored = crypto.decrypt(row.access_token_encrypted)
            if stored != stale.access_token:
                return _credentials(row)  # another worker refreshed while this one waited
            try:
                with account_slot(row):
                    tokens = accurate.refresh_token(
                        account_seam(), oauth_config(), crypto.decrypt(row.refresh_token_encrypted)
                    )
            except AccurateError as exc:
                if exc.kind is not ErrorKind.token_invalid:
                    raise  # retryable (Accurate unreachable, rate limited): nothing changes
                refused, email_owners = exc, _mark_needs_reconnect(row)
            else:
                row.access_token_encrypted = crypto.encrypt(tokens.access_token)
                if tokens.refresh_token:
                    row.refresh_token_encrypted = crypto.encrypt(tokens.refresh_token)
                row.token_expires_at = tokens.expires_at
                row.save(update_fields=_TOKEN_FIELDS)
                logger.info("accurate token refreshed for connection %s", row.pk)
                return _credentials(row)
        # Outside the transaction: the mark is committed, then the owners are told.
        if email_owners:
            _email_reconnect(row)
        raise refused

    def renew_session(self, stale: Credentials) -> Credentials:
        # Same deliberate exception as renew_token: one worker opens the new session under the lock.
        with transaction.atomic():
            row = Connection.objects.select_for_update().get(pk=self.connection_id)
            if row.status != Connection.Status.CONNECTED or row.database_id is None:
                raise AccurateError(ErrorKind.token_invalid, [NOT_CONNECTED])
            if crypto.decrypt(row.session_encrypted) != stale.session:
                return _credentials(row)
            token = crypto.decrypt(row.access_token_encrypted)
            try:
                with account_slot(row):
                    opened = accurate.refresh_session(
                        account_seam(), oauth_config(), token, row.database_id, stale.session
                    )
            except AccurateError as exc:
                if exc.kind not in (ErrorKind.session_expired, ErrorKind.validation):
                    raise
                # Past refreshing: open the database again.
                with account_slot(row):
                    opened = accurate.open_db(account_seam(), oauth_config(), token, row.database_id)
            row.host = opened.host
            row.session_encrypted = crypto.encrypt(opened.session)
            row.save(update_fields=["host", "session_encrypted", "updated_at"])
            logger.info("accurate session renewed for connection %s", row.pk)
            return _credentials(row)


def account_slot(row: Connection) -> Any:
    """A limiter slot for a renewal on the account host. [U] Whether Accurate counts these calls
    against the token's limits is not documented; the sandbox does, so they take a slot like any."""
    return rate_limiter().slot(str(row.limiter_key))


_TOKEN_FIELDS = ["access_token_encrypted", "refresh_token_encrypted", "token_expires_at", "updated_at"]


def _credentials(row: Connection) -> Credentials:
    return Credentials(
        access_token=crypto.decrypt(row.access_token_encrypted),
        host=row.host,
        session=crypto.decrypt(row.session_encrypted),
        limiter_key=str(row.limiter_key),
    )


def connection_needs_reconnect(*, connection_id: int) -> bool:
    """Accurate refused a permission the sync needs (a scope the merchant did not grant): syncs pause
    until the owner connects again, granting every permission; the owners are emailed once.
    Returns whether the connection was connected until now."""
    with transaction.atomic():
        row = (
            Connection.objects.select_for_update()
            .filter(pk=connection_id, status=Connection.Status.CONNECTED)
            .select_related("store")
            .first()
        )
        if row is None:
            return False
        email_owners = _mark_needs_reconnect(row)
    if email_owners:
        _email_reconnect(row)
    return True


def _mark_needs_reconnect(row: Connection) -> bool:
    """Accurate refused the refresh (revoked, or replaced by a newer connection) or a permission:
    syncs pause until the owner connects again. Returns whether the owners are still to be emailed
    (only once)."""
    now = timezone.now()
    row.status = Connection.Status.NEEDS_RECONNECT
    row.needs_reconnect_since = row.needs_reconnect_since or now
    email_owners = row.reconnect_email_sent_at is None
    if email_owners:
        row.reconnect_email_sent_at = now
    row.save(update_fields=["status", "needs_reconnect_since", "reconnect_email_sent_at", "updated_at"])
    logger.warning("accurate refused the token or a permission of connection %s: needs reconnect", row.pk)
    return email_owners


def _email_reconnect(row: Connection) -> None:
    owners = Membership.objects.filter(store_id=row.store_id, role=Membership.Role.OWNER).select_related(
        "user"
    )
    recipients = sorted({m.user.email for m in owners if m.user.email})
    if not recipients:
        return
    store = row.store
    body = (
        f"Accurate no longer accepts the connection of your store {store.name}, so its "
        "synchronization to Accurate is paused. Nothing is lost: pending documents wait.\n\n"
        "Open the Accurate add-on and press Reconnect to continue:\n"
        f"{ADDON_PATH}\n"
    )
    try:
        send_mail(f"Reconnect {store.name} to Accurate", body, None, recipients)
    except Exception:  # the mark is stored and the page shows a banner; the mail is a courtesy
        logger.exception("could not email the owners of store %s about reconnecting", row.store_id)
