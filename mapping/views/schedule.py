"""Panel 4, Synchronization schedule: the settings form on the add-on page.

The add-on page shows it to everyone of the store; only the owner saves (see `addon.schedule_save`).
Its Accurate lists are the kept ones: showing the panel never calls Accurate.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from mapping import selectors
from mapping.forms import SyncSettingsForm
from mapping.models import Connection, SyncSettings
from mapping.services.sync_settings import FIELDS, transit_warehouse_default, walk_in_customer_default
from outlets.models import Store


def settings_initial(
    settings: SyncSettings, customers: list[dict[str, Any]] | None, warehouses: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """The saved values; an empty walk-in customer or transit warehouse is suggested from Accurate."""
    initial = {field: getattr(settings, field) for field in FIELDS}
    if not initial["walk_in_customer_no"] and customers:
        initial["walk_in_customer_no"] = walk_in_customer_default(customers)
    if not initial["transit_warehouse_name"] and warehouses:
        initial["transit_warehouse_name"] = transit_warehouse_default(warehouses)
    return initial


def schedule_form(
    store: Store, connection: Connection | None, data: QueryDict | None = None
) -> SyncSettingsForm:
    settings = selectors.sync_settings_for(store)
    customers = warehouses = None
    if connection is not None:
        customers = selectors.accurate_list_kept(connection, "customer")
        warehouses = selectors.accurate_list_kept(connection, "warehouse")
    return SyncSettingsForm(
        data,
        initial=settings_initial(settings, customers, warehouses),
        customers=customers,
        warehouses=warehouses,
        current={
            "walk_in_customer_no": settings.walk_in_customer_no,
            "transit_warehouse_name": settings.transit_warehouse_name,
        },
    )


def panel_context(
    store: Store, connection: Connection | None, form: SyncSettingsForm | None = None
) -> dict[str, Any]:
    """What panel 4 shows: the form (bound when a save was refused) and whether it was ever saved."""
    return {
        "schedule_form": form if form is not None else schedule_form(store, connection),
        "schedule_saved": selectors.sync_settings_for(store).pk is not None,
    }
