"""Reads of the mapping app, always scoped to one store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from mapping.models import AccurateList, AddOn, Connection, OutletMapping, SyncSettings
from mapping.services.lists import accurate_lists_refresh
from outlets.models import Outlet, Store


def addon_for_store(store: Store) -> AddOn | None:
    return AddOn.objects.filter(store=store).first()


def connection_for_store(store: Store) -> Connection | None:
    return Connection.objects.filter(store=store).first()


def accurate_list(connection: Connection, kind: str) -> list[dict[str, Any]]:
    """The kept rows of one list (AccurateList.Kind). Never fetched yet: fetched once now (this
    spends rate limit, and raises AccurateError when Accurate fails)."""
    kept = AccurateList.objects.filter(connection=connection, kind=kind).first()
    if kept is None:
        # The one read that may write: the lists are fetched the first time they are read.
        accurate_lists_refresh(connection=connection)
        kept = AccurateList.objects.get(connection=connection, kind=kind)
    return list(kept.rows)


@dataclass(frozen=True)
class OutletRow:
    outlet: Outlet
    mapping: OutletMapping | None  # None: never mapped ("not integrated")


def outlet_mappings_for_store(store: Store) -> list[OutletRow]:
    """Every outlet of the store, by code, with its mapping and payment accounts (if mapped)."""
    mappings = {
        mapping.outlet_id: mapping
        for mapping in OutletMapping.objects.filter(outlet__store=store)
        .select_related("outlet")
        .prefetch_related("payment_accounts")
    }
    return [
        OutletRow(outlet, mappings.get(outlet.pk))
        for outlet in Outlet.objects.filter(store=store).select_related("store").order_by("code")
    ]


def mapping_for_outlet(store: Store, outlet_id: int) -> OutletMapping:
    """The outlet's mapping; an unsaved empty one (pk None) when it was never mapped. Http404 for an
    outlet of another store, or none."""
    outlet = Outlet.objects.filter(store=store, pk=outlet_id).select_related("store").first()
    if outlet is None:
        raise Http404("No such outlet.")
    mapping = OutletMapping.objects.filter(outlet=outlet).prefetch_related("payment_accounts").first()
    return mapping if mapping is not None else OutletMapping(outlet=outlet)


def accurate_list_kept(connection: Connection, kind: str) -> list[dict[str, Any]] | None:
    """The kept rows of one list, or None when it was never fetched. Calls nobody."""
    kept = AccurateList.objects.filter(connection=connection, kind=kind).first()
    return None if kept is None else list(kept.rows)


def outlets_sharing_warehouse(store: Store, warehouse_name: str, *, besides: int) -> list[Outlet]:
    """The store's other outlets (not `besides`) whose saved mapping names this warehouse, by code."""
    if not warehouse_name.strip():
        return []
    return list(
        Outlet.objects.filter(store=store, accurate_mapping__warehouse_name=warehouse_name.strip())
        .exclude(pk=besides)
        .order_by("code")
    )


def sync_settings_for(store: Store) -> SyncSettings:
    """The store's sync settings; unsaved defaults (pk None) when the merchant never saved any."""
    found = SyncSettings.objects.filter(store=store).first()
    return found if found is not None else SyncSettings(store=store)
