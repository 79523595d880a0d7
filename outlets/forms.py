"""Forms of the back office pages. They parse and validate; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outlets.models import ApiKey


class ApiKeyCreateForm(forms.Form):
    """Only the name; the key itself is made by `api_key_create`."""

    name = forms.CharField(
        max_length=ApiKey._meta.get_field("name").max_length,
        label=_("Name"),
        help_text=_("Where the key is used, e.g. the register or the integration's name."),
    )
