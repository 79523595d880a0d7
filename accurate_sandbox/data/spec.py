"""How a data module plugs into the generic actions: its scope resource, its unique key and its builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accurate_sandbox.data.context import Built, Context

Builder = Callable[[Context, dict[str, Any]], Built]
# An extra action (e.g. item-adjustment/save-target-quantity.do): body in, saved record out.
ExtraAction = Callable[[Context, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ModuleSpec:
    name: str  # the URL segment, e.g. "sales-invoice"
    resource: str  # scope prefix, e.g. "sales_invoice" → sales_invoice_view/_save/_delete
    key_field: str  # unique per database: "number" for documents, "no" / "name" / "customerNo" for masters
    build: Builder
    prefix: str = ""  # auto-numbering when the key is not sent; "" means the key is required
    key_label: str = "No"
    key_aliases: tuple[str, ...] = ()  # other names a caller may use for the key (detail.do?no=)
    # action name → (scope kind "view"/"save"/"delete", handler)
    extra: dict[str, tuple[str, ExtraAction]] = field(default_factory=dict)
