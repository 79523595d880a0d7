"""Outlet mapping: saving, checking, activating, pricing (the defaults: account_rules.py).

The lists (accounts, branches, warehouses) are the rows cached from Accurate, passed in by the caller,
so everything here but saving and activating is pure and nothing here spends the rate limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mapping.models import Connection, OutletMapping, PaymentAccount
from mapping.services.account_rules import (
    ACCOUNT_TYPES,
    CASH_BANK,
    EXPENSE_TYPES,
    ISELLER_PAY,
    ISELLER_PAY_FIELDS,
    PLACE_FIELDS,
    with_iseller_pay,
)
from mapping.services.lists import branch_create, clearing_account_create, warehouse_create
from outlets.models import Outlet, PaymentMethod, Store

Row = Mapping[str, Any]

# The name of an iSellerPay clearing account created from the page when the merchant gives none.
CLEARING_NAME = "Kliring iSellerPay"


class ActivationRefused(Exception):
    """The outlet was not activated (its mapping is saved): `problems` field by field, or
    `fee_refused` when the extra monthly fee was not confirmed."""

    problems: dict[str, str] | None = None
    fee_refused = False


class MappingIncomplete(ActivationRefused):
    """Activation refused: `problems` says what is wrong, field by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The mapping has problems: " + "; ".join(problems.values()))
        self.problems = problems


class FeeNotConfirmed(ActivationRefused):
    """Activating this outlet costs `fee` a month more, for `monthly_total`; the owner must confirm."""

    fee_refused = True

    def __init__(self, *, fee: int, monthly_total: int) -> None:
        super().__init__(f"This outlet costs {fee} a month; the store would pay {monthly_total} a month.")
        self.fee = fee
        self.monthly_total = monthly_total


def mapping_values(mapping: OutletMapping) -> dict[str, Any]:
    """The mapping in the shape `mapping_defaults` returns and `outlet_mapping_save` takes."""
    return {
        **{field: getattr(mapping, field) for field in (*PLACE_FIELDS, *OutletMapping.ACCOUNT_FIELDS)},
        "posting_mode": mapping.posting_mode,
        "payments": {row.method: row.account_no for row in mapping.payment_accounts.all()},
    }


@transaction.atomic
def outlet_mapping_save(*, outlet: Outlet, data: Mapping[str, Any]) -> OutletMapping:
    """Write the fields given in `data` and its payment accounts (an empty account removes one).

    Only the mapping changes: documents already in Accurate keep what they were sent with.
    """
    mapping, _ = OutletMapping.objects.select_for_update().get_or_create(outlet=outlet)
    for field in (*PLACE_FIELDS, *OutletMapping.ACCOUNT_FIELDS):
        if field in data:
            setattr(mapping, field, (data[field] or "").strip())
    # Read by the outbox as each sale is recorded: sales not yet sent follow the new mode.
    if data.get("posting_mode") in OutletMapping.PostingMode.values:
        mapping.posting_mode = data["posting_mode"]
    mapping.save()
    for method, account_no in dict(data.get("payments", {})).items():
        if account_no:
            PaymentAccount.objects.update_or_create(
                mapping=mapping, method=method, defaults={"account_no": account_no}
            )
        else:
            PaymentAccount.objects.filter(mapping=mapping, method=method).delete()
    return mapping


def outlet_mapping_update(
    *,
    connection: Connection,
    outlet: Outlet,
    data: Mapping[str, Any],
    new_branch: str,
    new_warehouse: str,
    new_clearing_no: str = "",
    new_clearing_name: str = "",
) -> OutletMapping:
    """Save the mapping, first creating in Accurate the branch, warehouse or iSellerPay clearing
    account the merchant typed in.

    Accurate is called before the transaction that saves: a failure there saves nothing.
    """
    values = dict(data)
    if new_branch.strip():
        values["branch_name"] = branch_create(connection=connection, name=new_branch.strip())["name"]
    if new_warehouse.strip():
        values["warehouse_name"] = warehouse_create(connection=connection, name=new_warehouse.strip())["name"]
    if new_clearing_no.strip():
        name = new_clearing_name.strip() or CLEARING_NAME
        created = clearing_account_create(connection=connection, no=new_clearing_no.strip(), name=name)
        values["payments"] = {**values.get("payments", {}), ISELLER_PAY: created["no"]}
    return outlet_mapping_save(outlet=outlet, data=values)


def place_sentences(place: str) -> tuple[str, str, str]:
    """(choose, gone, suspended): whole sentences per place, so each language words them its own way."""
    if place == "branch":
        return (
            _("Choose a branch."),
            _("Branch “%(name)s” is not in Accurate any more."),
            _("Branch “%(name)s” is suspended in Accurate."),
        )
    return (
        _("Choose a warehouse."),
        _("Warehouse “%(name)s” is not in Accurate any more."),
        _("Warehouse “%(name)s” is suspended in Accurate."),
    )


def place_problem(place: str, name: str, rows: Sequence[Row]) -> str | None:
    choose, gone, suspended = place_sentences(place)
    if not name:
        return choose
    found = [row for row in rows if row["name"] == name]
    if not found:
        return gone % {"name": name}
    if found[0].get("suspended"):
        return suspended % {"name": name}
    return None


def in_sentence(label: str) -> str:
    """ "Sales discount account" → "sales discount account"; "iSellerPay …" and "QRIS …" stay."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def account_problem(
    label: str, number: str, accounts: dict[str, Row], *, types: tuple[str, ...] = (), required: bool = True
) -> str | None:
    """What is wrong with account `number` for a field of these account types ("" types: any)."""
    if not number:
        return _("Choose the %(account)s.") % {"account": label} if required else None
    account = accounts.get(number)
    if account is None:
        return _("Account %(number)s is not in Accurate any more.") % {"number": number}
    values = {"number": number, "name": account["name"]}
    if account.get("suspended"):
        return _("Account %(number)s %(name)s is suspended in Accurate.") % values
    if types and account.get("accountType") not in types:
        return wrong_type(types) % values
    return None


def wrong_type(types: tuple[str, ...]) -> str:
    """The sentence for an account of another type, with %(number)s and %(name)s to fill in."""
    if types == EXPENSE_TYPES:
        return _("Account %(number)s %(name)s is not an expense account.")
    return _("Account %(number)s %(name)s is not a cash or bank account.")


def payment_label(method: str) -> str:
    if method == ISELLER_PAY:
        return _("iSellerPay clearing account")
    name = str(PaymentMethod(method).label) if method in PaymentMethod.values else method
    # The method's name inside the label, the label's first letter capital, in either word order:
    # "Debit card account", "Akun kartu debit" (QRIS and iSellerPay keep their capitals).
    return capfirst(_("%(method)s account") % {"method": in_sentence(name)})


def mapping_problems(
    *,
    mapping: OutletMapping,
    accounts: Sequence[Row],
    branches: Sequence[Row],
    warehouses: Sequence[Row],
    methods: list[str],
) -> dict[str, str]:
    """What stops this mapping from being activated, by field ("payment_<method>" for payments).

    The iSellerPay accounts are required only where the store takes iSellerPay; set, they are
    checked anyway (an account of the wrong type is wrong whether or not it is used yet).
    """
    by_no = {str(row["no"]): row for row in accounts}
    payments = {row.method: row.account_no for row in mapping.payment_accounts.all()}
    takes_iseller_pay = ISELLER_PAY in methods
    checks = {
        "branch_name": place_problem("branch", mapping.branch_name, branches),
        "warehouse_name": place_problem("warehouse", mapping.warehouse_name, warehouses),
        **{
            field: account_problem(
                in_sentence(str(label)),
                getattr(mapping, field),
                by_no,
                types=ACCOUNT_TYPES.get(field, ()),
                required=takes_iseller_pay or field not in ISELLER_PAY_FIELDS,
            )
            for field, label in OutletMapping.ACCOUNT_FIELDS.items()
        },
        **{
            f"payment_{method}": account_problem(
                in_sentence(payment_label(method)),
                payments.get(method, ""),
                by_no,
                types=(CASH_BANK,),
                required=method in methods,
            )
            for method in with_iseller_pay(methods)
        },
    }
    return {field: problem for field, problem in checks.items() if problem}


def active_outlet_count(store: Store) -> int:
    return OutletMapping.objects.filter(outlet__store=store, active=True).count()


def store_monthly_fee(store: Store) -> int:
    """What the store pays a month for the add-on: the first active outlet is free."""
    return max(active_outlet_count(store) - 1, 0) * settings.ACCURATE_EXTRA_OUTLET_FEE


def activation_fee(store: Store) -> tuple[int, int]:
    """(the extra monthly fee, the new monthly total) if one more outlet were activated."""
    fee = settings.ACCURATE_EXTRA_OUTLET_FEE if active_outlet_count(store) >= 1 else 0
    return fee, store_monthly_fee(store) + fee


def outlet_activate(
    *,
    mapping: OutletMapping,
    confirm_fee: bool,
    accounts: Sequence[Row],
    branches: Sequence[Row],
    warehouses: Sequence[Row],
    methods: list[str],
) -> OutletMapping:
    """Start syncing the outlet once its mapping checks out against Accurate's current lists.

    Raises MappingIncomplete with the problems, or FeeNotConfirmed for a paid outlet not confirmed.
    """
    problems = mapping_problems(
        mapping=mapping, accounts=accounts, branches=branches, warehouses=warehouses, methods=methods
    )
    if problems:
        raise MappingIncomplete(problems)
    store = mapping.outlet.store
    with transaction.atomic():
        # One activation at a time per store, so two tabs cannot both take the free outlet.
        Store.objects.select_for_update().get(pk=store.pk)
        mapping.refresh_from_db()
        if mapping.active:
            return mapping
        fee, total = activation_fee(store)
        if fee and not confirm_fee:
            raise FeeNotConfirmed(fee=fee, monthly_total=total)
        mapping.active = True
        mapping.activated_at = timezone.now()
        mapping.deactivated_at = None
        mapping.save(update_fields=["active", "activated_at", "deactivated_at", "updated_at"])
    return mapping


def outlet_deactivate(*, mapping: OutletMapping) -> OutletMapping:
    """Stop syncing the outlet. Its pending activities stay as they are and go on when reactivated."""
    mapping.active = False
    mapping.deactivated_at = timezone.now()
    mapping.save(update_fields=["active", "deactivated_at", "updated_at"])
    return mapping
