"""The outlet mapping form: selects filled from the lists cached from Accurate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mapping.models import OutletMapping
from mapping.services.account_rules import (
    ACCOUNT_TYPES,
    CASH_BANK,
    ISELLER_PAY,
    ISELLER_PAY_FIELDS,
    usable,
    with_iseller_pay,
)
from mapping.services.outlets import account_problem, in_sentence, payment_label

Row = Mapping[str, Any]
NONE_CHOSEN = ("", _("— choose —"))


def account_choices(accounts: Sequence[Row]) -> list[tuple[str, Any]]:
    return [NONE_CHOSEN, *((str(row["no"]), f"{row['no']} · {row['name']}") for row in accounts)]


class AccountChoiceField(forms.ChoiceField):
    """A select of Accurate's usable accounts of some types (all types: `types` empty). Another
    account is refused saying what is wrong with it, as activation would, not "not a valid choice"."""

    def __init__(self, *, accounts: Sequence[Row], types: tuple[str, ...], **kwargs: Any) -> None:
        self.accounts = {str(row["no"]): row for row in accounts}
        self.types = types
        offered = [row for row in usable(accounts) if not types or row.get("accountType") in types]
        super().__init__(choices=account_choices(offered), required=False, **kwargs)

    def validate(self, value: Any) -> None:
        label = in_sentence(str(self.label))
        problem = account_problem(label, value, self.accounts, types=self.types, required=False)
        if problem:
            raise forms.ValidationError(problem)
        super().validate(value)


# (the field picked from Accurate's list, the field typed to create one there instead)
PICKED_OR_TYPED = (
    ("branch_name", "new_branch"),
    ("warehouse_name", "new_warehouse"),
    (f"payment_{ISELLER_PAY}", "new_clearing_no"),
)


def picked_and_typed(typed: str) -> str:
    """Whole sentences per field, %(picked)s and %(typed)s to fill in."""
    if typed == "new_branch":
        return gettext(
            "Pick a branch or type a new one, not both: to create “%(typed)s”, set the list above to "
            "“— choose —”; to use “%(picked)s”, clear this name."
        )
    if typed == "new_warehouse":
        return gettext(
            "Pick a warehouse or type a new one, not both: to create “%(typed)s”, set the list above to "
            "“— choose —”; to use “%(picked)s”, clear this name."
        )
    return gettext(
        "Pick a clearing account or type a new one, not both: to create account %(typed)s, set the list "
        "above to “— choose —”; to use account %(picked)s, clear this number."
    )


def name_choices(rows: Sequence[Row]) -> list[tuple[str, Any]]:
    return [NONE_CHOSEN, *((str(row["name"]), str(row["name"])) for row in rows)]


class OutletMappingForm(forms.Form):
    """Nothing is required to save: an incomplete mapping is kept, and activation lists what is missing."""

    def __init__(
        self,
        *args: Any,
        accounts: Sequence[Row],
        branches: Sequence[Row],
        warehouses: Sequence[Row],
        methods: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The payment section's methods; iSellerPay's clearing account has a section of its own.
        self.methods = [method for method in methods if method != ISELLER_PAY]
        self.fields["branch_name"] = forms.ChoiceField(
            label=_("Branch"), choices=name_choices(usable(branches)), required=False
        )
        self.fields["new_branch"] = forms.CharField(
            label=_("…or create a new branch in Accurate"), max_length=100, required=False
        )
        self.fields["warehouse_name"] = forms.ChoiceField(
            label=_("Warehouse"), choices=name_choices(usable(warehouses)), required=False
        )
        self.fields["new_warehouse"] = forms.CharField(
            label=_("…or create a new warehouse in Accurate"), max_length=100, required=False
        )
        for field, label in OutletMapping.ACCOUNT_FIELDS.items():
            types = ACCOUNT_TYPES.get(field, ())
            self.fields[field] = AccountChoiceField(label=label, accounts=accounts, types=types)
        for method in with_iseller_pay(methods):
            self.fields[f"payment_{method}"] = AccountChoiceField(
                label=payment_label(method), accounts=accounts, types=(CASH_BANK,)
            )
        self.fields["new_clearing_no"] = forms.CharField(
            label=_("…or create a new clearing account in Accurate: its number"),
            max_length=50,
            required=False,
        )
        self.fields["new_clearing_name"] = forms.CharField(
            label=_("…and its name (Kliring iSellerPay if empty)"), max_length=100, required=False
        )
        self.fields["posting_mode"] = forms.ChoiceField(
            label=_("Sales go to Accurate as"),
            choices=OutletMapping.PostingMode.choices,
            initial=OutletMapping.PostingMode.PER_SALE,
            widget=forms.RadioSelect,
            required=False,
            help_text=_(
                "A summary is one sales invoice for the shift (sent when it closes) or for the outlet's "
                "day (sent after its midnight), one line per item, with one receipt per payment method. "
                "Sales that reach us after their summary was sent go in a second part with its own number. "
                "Switching applies only to sales not yet sent to Accurate: those already there stay as "
                "they are."
            ),
        )
        self._help_texts()
        for picked, typed in PICKED_OR_TYPED:
            # static/js/picked-or-typed.js empties one when the merchant fills the other.
            self.fields[typed].widget.attrs["data-picked"] = f"id_{picked}"

    def _help_texts(self) -> None:
        help_texts = {
            "new_branch": _("Only for a branch Accurate does not have yet: the list above then stays empty."),
            "new_warehouse": _(
                "Only for a warehouse Accurate does not have yet: the list above then stays empty."
            ),
            f"payment_{ISELLER_PAY}": _(
                "A cash/bank account where iSellerPay money waits until iSeller pays it out."
            ),
            "mdr_account_no": _("The expense the fee iSellerPay keeps is booked to when a payout arrives."),
            "payout_account_no": _("The cash/bank account iSellerPay pays out to."),
            "refund_account_no": _(
                "Debited by the money a refund pays back: usually Piutang Usaha, which the sales "
                "return credited."
            ),
        }
        for name, text in help_texts.items():
            self.fields[name].help_text = text

    def clean(self) -> dict[str, Any]:
        """A place (or the clearing account) is picked from Accurate's list OR typed to be created
        there, never both: typed used to win silently over what the list showed as chosen."""
        data = super().clean() or {}
        for picked, typed in PICKED_OR_TYPED:
            chosen, name = data.get(picked) or "", (data.get(typed) or "").strip()
            if chosen and name:
                self.add_error(typed, picked_and_typed(typed) % {"picked": chosen, "typed": name})
        return data

    @staticmethod
    def initial_from(values: Mapping[str, Any]) -> dict[str, Any]:
        """Form initial data from a mapping's values (the shape `mapping_defaults` returns)."""
        initial = {key: value for key, value in values.items() if key != "payments"}
        initial |= {f"payment_{method}": no for method, no in values.get("payments", {}).items()}
        return initial

    def place_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("branch_name", "new_branch", "warehouse_name", "new_warehouse")]

    def account_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in OutletMapping.ACCOUNT_FIELDS if name not in ISELLER_PAY_FIELDS]

    def posting_fields(self) -> list[forms.BoundField]:
        return [self["posting_mode"]]

    def payment_fields(self) -> list[forms.BoundField]:
        return [self[f"payment_{method}"] for method in self.methods]

    def iseller_pay_fields(self) -> list[forms.BoundField]:
        names = (f"payment_{ISELLER_PAY}", "new_clearing_no", "new_clearing_name", *ISELLER_PAY_FIELDS)
        return [self[name] for name in names]

    def mapping_data(self) -> dict[str, Any]:
        """The cleaned values in the shape `outlet_mapping_save` takes."""
        data = self.cleaned_data
        return {
            "branch_name": data["branch_name"],
            "warehouse_name": data["warehouse_name"],
            "posting_mode": data.get("posting_mode") or OutletMapping.PostingMode.PER_SALE,
            **{field: data[field] for field in OutletMapping.ACCOUNT_FIELDS},
            "payments": {method: data[f"payment_{method}"] for method in [*self.methods, ISELLER_PAY]},
        }


def kept_choices(rows: Sequence[Row], key: str, label: Any, current: str) -> list[tuple[str, Any]]:
    """Choices from a kept Accurate list; the saved value stays choosable when Accurate lost it."""
    choices = [NONE_CHOSEN, *((str(row[key]), label(row)) for row in rows)]
    if current and current not in {value for value, _ in choices}:
        choices.append((current, gettext("%(value)s (not in the list from Accurate)") % {"value": current}))
    return choices


HOUR_WIDGET = forms.NumberInput(attrs={"min": 0, "max": 23, "step": 1})


class SyncSettingsForm(forms.Form):
    """Panel 4. The walk-in customer and transit warehouse are picked from Accurate's lists when they
    were kept; typed otherwise. Ranges are checked by `sync_settings_update`, which says why."""

    transfers_auto = forms.BooleanField(label=_("Send transfers automatically every day"), required=False)
    transfers_hour = forms.IntegerField(
        label=_("Transfers hour"),
        widget=HOUR_WIDGET,
        error_messages={
            "required": _("Choose the transfers hour."),
            "invalid": _("Enter a whole hour, 0 to 23."),
        },
    )
    sales_on_shift_close = forms.BooleanField(label=_("Send sales when the shift closes"), required=False)
    sales_hour = forms.IntegerField(
        label=_("Sales hour"),
        widget=HOUR_WIDGET,
        error_messages={
            "required": _("Choose the sales hour."),
            "invalid": _("Enter a whole hour, 0 to 23."),
        },
    )
    sync_customers = forms.BooleanField(label=_("Send the order's own customer"), required=False)
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        error_messages={
            "required": _("Enter the tax rate."),
            "invalid": _("Enter the tax rate as a number, like 11 or 11.5."),
        },
    )
    tax_name = forms.CharField(
        label=_("PPN tax name in Accurate"),
        required=False,
        max_length=100,
        help_text=_(
            "The name of your PPN tax in Accurate's tax list, sent on taxed sales and on taxable items. "
            "Leave it empty to use Accurate's default tax."
        ),
    )

    def __init__(
        self,
        *args: Any,
        customers: Sequence[Row] | None,
        warehouses: Sequence[Row] | None,
        current: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        customer = current.get("walk_in_customer_no", "")
        transit = current.get("transit_warehouse_name", "")
        self.fields["walk_in_customer_no"] = (
            forms.ChoiceField(
                choices=kept_choices(customers, "no", lambda row: f"{row['no']} · {row['name']}", customer),
                required=False,
            )
            if customers is not None
            else forms.CharField(max_length=50, required=False)
        )
        self.fields["walk_in_customer_no"].label = _("Walk-in customer")
        self.fields["transit_warehouse_name"] = (
            forms.ChoiceField(
                choices=kept_choices(usable(warehouses), "name", lambda row: str(row["name"]), transit),
                required=False,
            )
            if warehouses is not None
            else forms.CharField(max_length=200, required=False)
        )
        self.fields["transit_warehouse_name"].label = _("Transit warehouse")

    def settings_data(self) -> dict[str, Any]:
        """The cleaned values in the shape `sync_settings_update` takes."""
        return dict(self.cleaned_data)
