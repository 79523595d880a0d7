"""Forms of the back office pages. They parse and validate; services do the writing."""

from __future__ import annotations

from django import forms

from outlets.models import ApiKey


class ApiKeyCreateForm(forms.Form):
    """Only the name; the key itself is made by `api_key_create`."""

    name = forms.CharField(
        max_length=ApiKey._meta.get_field("name").max_length,
        help_text="Where the key is used, e.g. the register or the integration's name.",
    )
