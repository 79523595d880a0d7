"""The range the owner chooses: an outlet of the store (or all), days on the outlets' clocks, kinds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outlets.models import Outlet, Store

from .selection import GROUP_LABELS, GROUPS, MAX_DAYS, DateRange


class OutletField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Outlet) -> str:  # type: ignore[override]
        return f"{obj.code} · {obj.name}"


class RangeForm(forms.Form):
    outlet = OutletField(
        label=_("Outlet"),
        queryset=Outlet.objects.none(),
        required=False,
        empty_label=_("All outlets"),
        error_messages={"invalid_choice": _("Choose one of the store's outlets.")},
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    kinds = forms.MultipleChoiceField(
        label=_("Documents"),
        choices=list(GROUP_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of document.")},
    )

    def __init__(self, data: Any = None, *, store: Store) -> None:
        super().__init__(data)
        self.store = store
        outlet = self.fields["outlet"]
        assert isinstance(outlet, OutletField)
        outlet.queryset = Outlet.objects.filter(store=store).select_related("store").order_by("code")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "end", _("At most %(days)d days at once: choose a shorter range.") % {"days": MAX_DAYS}
                )
        return cleaned

    def chosen(self) -> DateRange:
        """The range, once the form is valid; kinds in the page's order."""
        data = self.cleaned_data
        groups = tuple(group for group in GROUPS if group in data["kinds"])
        return DateRange(self.store, data["outlet"], data["start"], data["end"], groups)
