"""The outlet mapping form: selects filled from the lists cached from Accurate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from mapping.models import OutletMapping
from mapping.services.outlets import CASH_BANK, payment_label, usable

Row = Mapping[str, Any]
NONE_CHOSEN = ("", "— choose —")


def account_choices(accounts: Sequence[Row]) -> list[tuple[str, str]]:
    return [NONE_CHOSEN, *((str(row["no"]), f"{row['no']} · {row['name']}") for row in accounts)]


def name_choices(rows: Sequence[Row]) -> list[tuple[str, str]]:
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
        self.methods = methods
        accounts = usable(accounts)
        all_accounts = account_choices(accounts)
        cash_bank = account_choices([row for row in accounts if row.get("accountType") == CASH_BANK])
        self.fields["branch_name"] = forms.ChoiceField(
            label="Branch", choices=name_choices(usable(branches)), required=False
        )
        self.fields["new_branch"] = forms.CharField(
            label="…or create a new branch in Accurate", max_length=100, required=False
        )
        self.fields["warehouse_name"] = forms.ChoiceField(
            label="Warehouse", choices=name_choices(usable(warehouses)), required=False
        )
        self.fields["new_warehouse"] = forms.CharField(
            label="…or create a new warehouse in Accurate", max_length=100, required=False
        )
        for field, label in OutletMapping.ACCOUNT_FIELDS.items():
            self.fields[field] = forms.ChoiceField(label=label, choices=all_accounts, required=False)
        for method in methods:
            self.fields[f"payment_{method}"] = forms.ChoiceField(
                label=payment_label(method), choices=cash_bank, required=False
            )

    @staticmethod
    def initial_from(values: Mapping[str, Any]) -> dict[str, Any]:
        """Form initial data from a mapping's values (the shape `mapping_defaults` returns)."""
        initial = {key: value for key, value in values.items() if key != "payments"}
        initial |= {f"payment_{method}": no for method, no in values.get("payments", {}).items()}
        return initial

    def place_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("branch_name", "new_branch", "warehouse_name", "new_warehouse")]

    def account_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in OutletMapping.ACCOUNT_FIELDS]

    def payment_fields(self) -> list[forms.BoundField]:
        return [self[f"payment_{method}"] for method in self.methods]

    def mapping_data(self) -> dict[str, Any]:
        """The cleaned values in the shape `outlet_mapping_save` takes."""
        data = self.cleaned_data
        return {
            "branch_name": data["branch_name"],
            "warehouse_name": data["warehouse_name"],
            **{field: data[field] for field in OutletMapping.ACCOUNT_FIELDS},
            "payments": {method: data[f"payment_{method}"] for method in self.methods},
        }
