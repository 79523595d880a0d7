"""Connecting a store to Accurate: the add-on, OAuth with a single-use state, the database choice,
disconnecting. Network calls to Accurate happen before the transaction that stores their result."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

import accurate
from accurate import AccurateError, ErrorKind
from mapping import crypto
from mapping.models import AccurateList, AddOn, Connection
from mapping.services.credentials import (
    ConnectionCredentials,
    account_seam,
    account_slot,
    accurate_client_for,
    oauth_config,
)
from mapping.services.errors import ConnectError
from outlets.models import Store

__all__ = [
    "STATE_LIFETIME_S",
    "STATE_SESSION_KEY",
    "ConnectionCredentials",
    "accurate_client_for",
    "addon_activate",
    "connect_callback",
    "connect_start",
    "database_choose",
    "databases_for",
    "disconnect",
    "missing_scopes",
]

logger = logging.getLogger(__name__)

# The states of Connects started in this browser session: {state: started at (epoch seconds)}.
STATE_SESSION_KEY = "accurate_connect_states"
STATE_LIFETIME_S = 10 * 60
# A merchant may press Connect in a few tabs; older states beyond this are dropped.
MAX_PENDING_STATES = 5

STATE_MISSING = gettext_noop(
    "Accurate's answer did not say which Connect it belongs to. Press Connect to try again."
)
STATE_UNKNOWN = gettext_noop(
    "This answer from Accurate does not belong to a Connect started here, or it was already used. "
    "Press Connect to try again."
)
STATE_EXPIRED = gettext_noop("The Connect took longer than 10 minutes. Press Connect to try again.")
ACCESS_DENIED = gettext_noop(
    "You did not give access in Accurate, so nothing was connected. Press Connect to try again."
)
ADDON_INACTIVE = gettext_noop("Activate the Accurate add-on first (Apps → All apps).")
ACCURATE_ERROR = gettext_noop("Accurate answered with an error ({error}). Press Connect to try again.")
CODE_REFUSED = gettext_noop(
    "Accurate did not accept this authorization (it expired or was used). Press Connect again."
)
UNREACHABLE = gettext_noop("Accurate could not be reached. Press Connect to try again in a moment.")
NO_KEYS = gettext_noop(
    "Connecting to Accurate is not possible yet: this server has no valid key to protect Accurate's "
    "tokens (ACCURATE_TOKEN_KEYS). Ask your administrator to set it, then press Connect again."
)
NO_CODE = gettext_noop("Accurate's answer had no authorization code. Press Connect to try again.")
UNKNOWN_DATABASE = gettext_noop(
    "That database is not one of your Accurate databases. Pick one from the list."
)


def addon_activate(*, store: Store, user: Any) -> AddOn:
    """Activate the Accurate add-on for the store (again: nothing changes)."""
    addon, _ = AddOn.objects.get_or_create(store=store, defaults={"activated_by": user})
    return addon


def connect_start(*, store: Store, session: SessionBase, redirect_uri: str) -> str:
    """The Accurate authorize URL to send the merchant to, with a new single-use state bound to
    their session, asking for every scope the product uses. Raises ConnectError until the add-on
    is activated."""
    _addon_activated(store)
    _can_encrypt()
    state = secrets.token_urlsafe(32)
    now = time.time()
    states = _live_states(session, now)
    states[state] = now
    # Only the newest few: the dict keeps insertion order.
    session[STATE_SESSION_KEY] = dict(list(states.items())[-MAX_PENDING_STATES:])
    return accurate.authorize_url(oauth_config(redirect_uri), state)


def connect_callback(
    *, store: Store, user: Any, session: SessionBase, redirect_uri: str, params: Mapping[str, str]
) -> Connection:
    """Accurate sent the merchant back: check the state, exchange the code, store the tokens.

    Raises ConnectError (and stores nothing) for a missing, unknown, used or expired state, an error
    answer from Accurate, or a code Accurate will not exchange. The state is used up either way.
    """
    _state_take(session, params.get("state", ""))
    _addon_activated(store)
    if params.get("error"):
        if params["error"] == "access_denied":
            raise ConnectError(gettext(ACCESS_DENIED))
        raise ConnectError(gettext(ACCURATE_ERROR).format(error=params["error"]))
    code = params.get("code", "")
    if not code:
        raise ConnectError(gettext(NO_CODE))
    # Before the code is spent: without keys the tokens could not be stored, and the code is single-use.
    _can_encrypt()
    config = oauth_config(redirect_uri)
    try:
        tokens = accurate.exchange_code(account_seam(), config, code)
    except AccurateError as exc:
        raise ConnectError(gettext(UNREACHABLE if exc.retryable else CODE_REFUSED)) from exc
    reopened = _reopen_previous_database(store, tokens)
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(store=store)
        _store_tokens(connection, tokens)
        if reopened is not None:
            connection.host = reopened.host
            connection.session_encrypted = crypto.encrypt(reopened.session)
            connection.status = Connection.Status.CONNECTED
            connection.connected_at = timezone.now()
        else:
            connection.host = ""
            connection.session_encrypted = ""
            connection.status = Connection.Status.CHOOSING_DATABASE
        connection.save()
    logger.info("store %s connected to Accurate by user %s", store.pk, getattr(user, "pk", None))
    return connection


def missing_scopes(connection: Connection) -> list[str]:
    """The scopes the product asks for that the merchant did not approve (ticked off in Accurate)."""
    granted = set(connection.scopes.split())
    return [scope for scope in accurate.SCOPES if scope not in granted]


def databases_for(*, connection: Connection) -> list[accurate.Database]:
    """The Accurate databases the connected user can open (Accurate marks expired and trial ones)."""
    provider = ConnectionCredentials(connection.pk)
    credentials = provider.token_only()
    try:
        # Account-host calls with the token take a slot like data calls: Accurate counts them.
        with account_slot(connection):
            return accurate.db_list(account_seam(), oauth_config(), credentials.access_token)
    except AccurateError as exc:
        if exc.kind is not ErrorKind.token_invalid:
            raise
        renewed = provider.renew_token(credentials)
        with account_slot(connection):
            return accurate.db_list(account_seam(), oauth_config(), renewed.access_token)


def database_choose(*, connection: Connection, database_id: int) -> Connection:
    """Open the chosen database and keep its host and session: the store is connected."""
    databases = {database.id: database for database in databases_for(connection=connection)}
    database = databases.get(database_id)
    if database is None:
        raise ConnectError(gettext(UNKNOWN_DATABASE))
    token = ConnectionCredentials(connection.pk).token_only().access_token
    with account_slot(connection):
        opened = accurate.open_db(account_seam(), oauth_config(), token, database_id)
    with transaction.atomic():
        row = Connection.objects.select_for_update().get(pk=connection.pk)
        if row.database_id != database_id:
            # The cached branches, warehouses and accounts belong to the other database.
            AccurateList.objects.filter(connection=row).delete()
        row.database_id = database_id
        row.database_alias = database.alias
        row.host = opened.host
        row.session_encrypted = crypto.encrypt(opened.session)
        row.status = Connection.Status.CONNECTED
        row.connected_at = timezone.now()
        row.save()
    return row


def disconnect(*, connection: Connection) -> None:
    """Forget the tokens and session; syncing stops and pending work waits for a new connection.
    The database choice is kept, so connecting again goes straight back to it."""
    with transaction.atomic():
        row = Connection.objects.select_for_update().get(pk=connection.pk)
        row.access_token_encrypted = ""
        row.refresh_token_encrypted = ""
        row.session_encrypted = ""
        row.token_expires_at = None
        row.host = ""
        row.status = Connection.Status.DISCONNECTED
        row.save()
    connection.refresh_from_db()


# --- helpers ---


def _can_encrypt() -> None:
    """Raises ConnectError when Accurate's tokens could not be encrypted (ACCURATE_TOKEN_KEYS)."""
    try:
        crypto.ensure_keys()
    except ImproperlyConfigured as exc:
        logger.error("cannot connect a store to Accurate: %s", exc)
        raise ConnectError(gettext(NO_KEYS)) from exc


def _live_states(session: SessionBase, now: float) -> dict[str, float]:
    stored = session.get(STATE_SESSION_KEY) or {}
    return {state: float(at) for state, at in stored.items() if now - float(at) <= STATE_LIFETIME_S}


def _state_take(session: SessionBase, state: str) -> None:
    """Use up the state (even when the rest of the callback fails); raise if it is not a live one."""
    if not state:
        raise ConnectError(gettext(STATE_MISSING))
    stored = dict(session.get(STATE_SESSION_KEY) or {})
    started = stored.pop(state, None)
    session[STATE_SESSION_KEY] = stored
    if started is None:
        raise ConnectError(gettext(STATE_UNKNOWN))
    if time.time() - float(started) > STATE_LIFETIME_S:
        raise ConnectError(gettext(STATE_EXPIRED))


def _addon_activated(store: Store) -> None:
    if not AddOn.objects.filter(store=store).exists():
        raise ConnectError(gettext(ADDON_INACTIVE))


def _reopen_previous_database(store: Store, tokens: accurate.TokenSet) -> accurate.DbSession | None:
    """A reconnect by the same Accurate user goes straight back to the database chosen before."""
    previous = Connection.objects.filter(store=store).first()
    if previous is None or previous.database_id is None:
        return None
    if tokens.user is not None and previous.accurate_user_id not in ("", tokens.user.id):
        return None  # another Accurate user: their databases differ, let them choose
    try:
        with account_slot(previous):
            return accurate.open_db(account_seam(), oauth_config(), tokens.access_token, previous.database_id)
    except AccurateError as exc:
        # No longer theirs, or Accurate is down: the merchant picks the database again.
        logger.warning("store %s: reopening Accurate database failed (%s)", store.pk, exc.kind)
        return None


def _store_tokens(connection: Connection, tokens: accurate.TokenSet) -> None:
    connection.access_token_encrypted = crypto.encrypt(tokens.access_token)
    connection.refresh_token_encrypted = crypto.encrypt(tokens.refresh_token)
    connection.token_expires_at = tokens.expires_at
    connection.scopes = " ".join(sorted(tokens.scopes))
    if tokens.user is not None:
        connection.accurate_user_id = tokens.user.id
        connection.accurate_email = tokens.user.email
        connection.accurate_name = tokens.user.name
    connection.needs_reconnect_since = None
    connection.reconnect_email_sent_at = None
