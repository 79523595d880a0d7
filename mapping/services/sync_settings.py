"""Panel 4, Synchronization schedule: when transfers and sales go to Accurate, and the document
settings the sync needs (walk-in customer, transit warehouse, tax rate).

The defaults are picked from the lists kept from Accurate, so nothing here spends the rate limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mapping.models import SyncSettings
from mapping.services.account_rules import Rule, has_word, pick_account, usable
from outlets.models import Store

Row = Mapping[str, Any]

BOOLEANS = ("transfers_auto", "sales_on_shift_close", "sync_customers")
HOURS = {"transfers_hour": "transfers", "sales_hour": "sales"}
# Text fields: what the merchant calls them, and their length in SyncSettings.
TEXTS = {
    "walk_in_customer_no": ("walk-in customer number", 50),
    "transit_warehouse_name": ("transit warehouse name", 200),
    "tax_name": ("PPN tax name", 100),
}
FIELDS = (*BOOLEANS, *HOURS, *TEXTS, "tax_rate")
WALK_IN = Rule(("umum", "walk"))
CENT = Decimal("0.01")


class SyncSettingsInvalid(Exception):
    """The settings were not saved: `problems` says why, field by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The sync settings were not saved: " + "; ".join(problems.values()))
        self.problems = problems


def walk_in_customer_default(customers: Sequence[Row]) -> str:
    """The number of Accurate's general customer ("Pelanggan Umum", "Walk-in"), or ""."""
    return pick_account(customers, WALK_IN)


def transit_warehouse_default(warehouses: Sequence[Row]) -> str:
    """The warehouse Accurate marks as transit, else one named like "Transit"; "" when neither."""
    rows = usable(warehouses)
    found = [row for row in rows if row.get("transit")] or [
        row for row in rows if has_word(str(row["name"]), "transit")
    ]
    return str(min(found, key=lambda row: len(row["name"]))["name"]) if found else ""


def hour_problem(value: Any, what: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        if what == "transfers":
            return _("Choose the transfers hour as a whole hour from 0 to 23.")
        return _("Choose the sales hour as a whole hour from 0 to 23.")
    return None


def tax_rate_problem(value: Any) -> str | None:
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return _("Enter the tax rate as a number, like 11 or 11.5.")
    if not rate.is_finite() or not 0 <= rate <= 100:
        return _("The tax rate must be from 0 to 100 %.")
    if rate != rate.quantize(CENT):
        return _("The tax rate takes at most 2 decimals, like 11.25.")
    return None


def text_problem(field: str, value: Any) -> str | None:
    limit = TEXTS[field][1]
    if not isinstance(value, str):
        return {
            "walk_in_customer_no": _("The walk-in customer number must be text."),
            "transit_warehouse_name": _("The transit warehouse name must be text."),
            "tax_name": _("The PPN tax name must be text."),
        }[field]
    if len(value.strip()) > limit:
        too_long = {
            "walk_in_customer_no": _("The walk-in customer number is at most %(limit)d characters."),
            "transit_warehouse_name": _("The transit warehouse name is at most %(limit)d characters."),
            "tax_name": _("The PPN tax name is at most %(limit)d characters."),
        }[field]
        return too_long % {"limit": limit}
    return None


def sync_settings_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with the values given in `data` (only those given are checked)."""
    checks: dict[str, str | None] = {}
    for field, what in HOURS.items():
        if field in data:
            checks[field] = hour_problem(data[field], what)
    for field in TEXTS:
        if field in data:
            checks[field] = text_problem(field, data[field])
    if "tax_rate" in data:
        checks["tax_rate"] = tax_rate_problem(data["tax_rate"])
    return {field: problem for field, problem in checks.items() if problem}


def sync_settings_update(*, store: Store, data: Mapping[str, Any]) -> SyncSettings:
    """Write the settings given in `data` (keys of SyncSettings; others are ignored) and return them.

    Raises SyncSettingsInvalid, saving nothing, when a value is out of range. The new schedule applies
    from the next beat; rows already released stay released.
    """
    problems = sync_settings_problems(data)
    if problems:
        raise SyncSettingsInvalid(problems)
    with transaction.atomic():
        settings, _ = SyncSettings.objects.select_for_update().get_or_create(store=store)
        for field in FIELDS:
            if field not in data:
                continue
            value = data[field]
            if field in BOOLEANS:
                value = bool(value)
            elif field in TEXTS:
                value = value.strip()
            elif field == "tax_rate":
                value = Decimal(value).quantize(CENT)
            setattr(settings, field, value)
        settings.save()
    return settings
