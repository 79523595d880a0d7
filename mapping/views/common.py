"""What the add-on's views share: the lists cached from Accurate and the page's connection state."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, ParamSpec

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

import accurate
from mapping import selectors
from mapping.models import Connection
from outlets import selectors as outlet_selectors
from outlets.models import Membership, Store
from outlets.views import StorePage

P = ParamSpec("P")


def addon_required(view: StorePage[P]) -> StorePage[P]:
    """Every page and action of the add-on needs the add-on activated (Apps → All apps); until then
    they send the member to the Apps page and do nothing. Goes under `store_member_required`."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, membership: Membership, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse:
        if selectors.addon_for_store(membership.store) is None:
            messages.error(request, _("Activate the Accurate add-on first (Apps → All apps)."))
            return redirect("mapping:apps")
        return view(request, membership, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Lists:
    """Accurate's lists as last fetched for the connection; reading them calls nobody."""

    accounts: list[dict[str, Any]]
    branches: list[dict[str, Any]]
    warehouses: list[dict[str, Any]]
    methods: list[str]

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts,
            "branches": self.branches,
            "warehouses": self.warehouses,
            "methods": self.methods,
        }


def lists_for(store: Store, connection: Connection) -> Lists:
    """The kept lists; the very first read fetches them (AccurateError when Accurate fails)."""
    return Lists(
        accounts=selectors.accurate_list(connection, "glaccount"),
        branches=selectors.accurate_list(connection, "branch"),
        warehouses=selectors.accurate_list(connection, "warehouse"),
        methods=outlet_selectors.payment_methods_used(store),
    )


def connected(store: Store) -> Connection | None:
    """The store's connection when it has a database open (or had, and needs reconnecting)."""
    connection = selectors.connection_for_store(store)
    usable = (Connection.Status.CONNECTED, Connection.Status.NEEDS_RECONNECT)
    return connection if connection is not None and connection.status in usable else None


def lists_or_empty(request: HttpRequest, store: Store, connection: Connection) -> Lists:
    """The lists, or empty ones with Accurate's message on the page when they could not be fetched."""
    try:
        return lists_for(store, connection)
    except accurate.AccurateError as error:
        messages.error(request, _("The lists could not be read from Accurate: %(error)s") % {"error": error})
        return Lists([], [], [], outlet_selectors.payment_methods_used(store))
