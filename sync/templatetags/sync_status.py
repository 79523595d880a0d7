"""`{% load sync_status %}`: the add-on page's status panel (`{% sync_status_panel %}`), the "syncing
has stopped" banner (`{% sync_stalled_banner %}`, on the add-on page, the dashboard and the activity
page) and the labels the activity pages show for a status or a type.

The add-on page belongs to mapping and the dashboard to outlets, which never import sync for these:
their templates load this library, and the tags read what they need through sync's own selectors.
(The dashboard's table, sync's counts beside each outlet's sales, reads them through `sync.outbox`,
the one module of sync that outlets imports.)
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.functional import Promise

from sync.activity import health, labels, reasons, summary

register = template.Library()


@register.inclusion_tag("sync/_status_panel.html", takes_context=True)
def sync_status_panel(context: template.Context) -> dict[str, Any]:
    store = context["store"]
    membership = context.get("membership")
    is_owner = bool(membership is not None and membership.is_owner)  # the owner's range page
    return {"panel": summary.status_panel(store), "store": store, "is_owner": is_owner}


@register.inclusion_tag("sync/_stalled_banner.html", takes_context=True)
def sync_stalled_banner(context: template.Context) -> dict[str, Any]:
    """The banner when due documents stopped moving (nothing when syncing is fine)."""
    store = context["store"]
    stall = health.sync_stall(store)
    if stall is None:
        return {"stall": None}
    return {
        "stall": stall,
        "shown": f"{intcomma(stall.shown_count)}{'+' if stall.more else ''}",
        "reason": reasons.merchant_words(stall.reason),
    }


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
