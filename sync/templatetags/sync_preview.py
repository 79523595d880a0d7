"""`{% load sync_preview %}`: `{% outlet_preview outlet %}`, what the outlet's latest documents would
become in Accurate, on the outlet mapping page. That page belongs to mapping, which never imports
sync: its template loads this library, and the tag reads through sync's preview selectors."""

from __future__ import annotations

from typing import Any

from django import template

from outlets.models import Outlet
from sync import preview

register = template.Library()


@register.inclusion_tag("sync/_outlet_preview.html", takes_context=True)
def outlet_preview(context: template.Context, outlet: Outlet) -> dict[str, Any]:
    # The store's own selector: an outlet of another store has no mapping there, so nothing shows.
    return {"preview": preview.outlet_preview(context["store"], outlet.pk)}
