"""The preview: what an outlet's documents become in Accurate, planned by the engine's own mappers
with the mapping as saved, shown before anything is sent (the outlet mapping page, through the
`sync_preview` tag library, and each not yet synced row's details page)."""

from .layout import Names, ShownDocument, Table, shown_document
from .selectors import OutletPreview, RowPreview, activity_preview, outlet_preview

__all__ = [
    "Names",
    "OutletPreview",
    "RowPreview",
    "ShownDocument",
    "Table",
    "activity_preview",
    "outlet_preview",
    "shown_document",
]
