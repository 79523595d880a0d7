"""The data host's modules: each one's rules live in its own module; this is only the dispatch table."""

from __future__ import annotations

from accurate_sandbox.data import (
    adjustments,
    deposits,
    invoices,
    masters,
    payments,
    receipts,
    returns,
    transfers,
)
from accurate_sandbox.data.spec import ModuleSpec

MODULES: dict[str, ModuleSpec] = {
    spec.name: spec
    for spec in [
        *masters.SPECS,
        *invoices.SPECS,
        *receipts.SPECS,
        *returns.SPECS,
        *transfers.SPECS,
        *adjustments.SPECS,
        *deposits.SPECS,
        *payments.SPECS,
    ]
}
