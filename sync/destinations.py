"""Where each outlet's documents go: the one read that turns mapping rows into mapper Destinations."""

from __future__ import annotations

from django.db.models import QuerySet

from mapping.models import AccurateList, Connection, OutletMapping, SyncSettings
from mapping.selectors import accurate_list_kept, sync_settings_for
from mapping.services.sync_settings import transit_warehouse_default, walk_in_customer_default
from outlets.models import Store

from .mappers.types import Destination


def destinations_for(store: Store) -> dict[int, Destination]:
    """The store's ACTIVE outlet mappings as Destinations, keyed by outlet id (three queries).

    An outlet missing here is not integrated (never mapped, or deactivated): its documents wait.
    Without a SyncSettings row the store has the defaults (an unsaved row carries them).
    """
    return _destinations(store, OutletMapping.objects.filter(outlet__store=store, active=True))


def mapped_destinations_for(store: Store) -> dict[int, Destination]:
    """Every SAVED outlet mapping of the store as a Destination, active or not: where each outlet's
    documents would go once it is active (the preview of sync.preview). Three queries."""
    return _destinations(store, OutletMapping.objects.filter(outlet__store=store))


def _destinations(store: Store, mappings: QuerySet[OutletMapping]) -> dict[int, Destination]:
    settings = with_suggestions(store, sync_settings_for(store))
    found = mappings.select_related("outlet__store").prefetch_related("payment_accounts")
    return {mapping.outlet_id: _destination(mapping, settings) for mapping in found}


def with_suggestions(store: Store, settings: SyncSettings) -> SyncSettings:
    """The settings, with the page's suggestions where the owner left a choice empty (never saved
    the schedule panel): Accurate's general customer and its transit warehouse, from the kept lists.
    Without them the documents that need one fail with the fix."""
    if settings.walk_in_customer_no and settings.transit_warehouse_name:
        return settings
    connection = Connection.objects.filter(store=store).first()
    if connection is None:
        return settings
    if not settings.walk_in_customer_no:
        customers = accurate_list_kept(connection, AccurateList.Kind.CUSTOMER) or []
        settings.walk_in_customer_no = walk_in_customer_default(customers)
    if not settings.transit_warehouse_name:
        warehouses = accurate_list_kept(connection, AccurateList.Kind.WAREHOUSE) or []
        settings.transit_warehouse_name = transit_warehouse_default(warehouses)
    return settings


def _destination(mapping: OutletMapping, settings: SyncSettings) -> Destination:
    return Destination(
        outlet_code=mapping.outlet.code,
        zone=mapping.outlet.zone,
        branch_name=mapping.branch_name,
        warehouse_name=mapping.warehouse_name,
        payment_accounts={account.method: account.account_no for account in mapping.payment_accounts.all()},
        mdr_account_no=mapping.mdr_account_no,
        service_charge_account_no=mapping.service_charge_account_no,
        rounding_account_no=mapping.rounding_account_no,
        adjustment_account_no=mapping.adjustment_account_no,
        deposit_account_no=mapping.deposit_account_no,
        walk_in_customer_no=settings.walk_in_customer_no,
        sync_customers=settings.sync_customers,
        transit_warehouse_name=settings.transit_warehouse_name,
        tax_rate=settings.tax_rate,
        payout_account_no=mapping.payout_account_no,
        refund_account_no=mapping.refund_account_no,
        tax_name=settings.tax_name.strip(),
    )
