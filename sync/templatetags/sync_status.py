"""`{% load sync_status %}`: the add-on page's status panel (`{% sync_status_panel %}`) and the labels
the activity pages show for a status or a type.

The add-on page belongs to mapping, which never imports sync: its template loads this library, and
the panel reads what it needs through sync's own selectors.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.functional import Promise

from sync.activity import labels, summary

register = template.Library()


@register.inclusion_tag("sync/_status_panel.html", takes_context=True)
def sync_status_panel(context: template.Context) -> dict[str, Any]:
    store = context["store"]
    return {"panel": summary.status_panel(store), "store": store}


@register.filter
def merchant_status(status: str) -> str:
    return labels.merchant_status(status)


@register.filter
def status_label(status: str) -> Promise:
    return labels.status_label(status)


@register.filter
def kind_label(kind: str) -> Promise | str:
    return labels.kind_label(kind)


@register.filter
def pretty_json(value: Any) -> str:
    """What was sent or answered, indented; the template escapes it."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
