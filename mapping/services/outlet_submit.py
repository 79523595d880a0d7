"""The outlet page's Save and "Save and activate": the mapping saved, then, to activate, checked
against Accurate's lists as they are now — a branch, warehouse or account may have been removed or
suspended there since the kept copy was read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mapping import selectors
from mapping.models import Connection, OutletMapping
from mapping.services.lists import accurate_lists_refresh
from mapping.services.outlets import outlet_activate, outlet_mapping_update
from outlets import selectors as outlet_selectors
from outlets.models import Outlet


def outlet_mapping_submit(
    *,
    connection: Connection,
    outlet: Outlet,
    data: Mapping[str, Any],
    created: Mapping[str, str],
    activate: bool,
    confirm_fee: bool,
) -> OutletMapping:
    """Save the mapping (`created`: the branch, warehouse or clearing account to create in Accurate
    first, see outlet_mapping_update); with `activate`, re-read Accurate's lists and activate it.

    Raises AccurateError when Accurate could not create or be read (the mapping may be saved), or
    ActivationRefused (MappingIncomplete, FeeNotConfirmed) when it is saved but not activated.
    """
    mapping = outlet_mapping_update(connection=connection, outlet=outlet, data=data, **created)
    if not activate:
        return mapping
    accurate_lists_refresh(connection=connection)
    return outlet_activate(
        mapping=mapping,
        confirm_fee=confirm_fee,
        accounts=selectors.accurate_list(connection, "glaccount"),
        branches=selectors.accurate_list(connection, "branch"),
        warehouses=selectors.accurate_list(connection, "warehouse"),
        methods=outlet_selectors.payment_methods_used(outlet.store),
    )
