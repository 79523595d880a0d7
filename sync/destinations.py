"""Where each outlet's documents go: the one read that turns mapping rows into mapper Destinations."""

from __future__ import annotations

from mapping.models import OutletMapping, SyncSettings
from outlets.models import Store

from .mappers.types import Destination


def destinations_for(store: Store) -> dict[int, Destination]:
    """The store's ACTIVE outlet mappings as Destinations, keyed by outlet id (three queries).

    An outlet missing here is not integrated (never mapped, or deactivated): its documents wait.
    Without a SyncSettings row the store has the defaults (an unsaved row carries them).
    """
    settings = SyncSettings.objects.filter(store=store).first() or SyncSettings(store=store)
    mappings = (
        OutletMapping.objects.filter(outlet__store=store, active=True)
        .select_related("outlet__store")
        .prefetch_related("payment_accounts")
    )
    return {mapping.outlet_id: _destination(mapping, settings) for mapping in mappings}


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
    )
