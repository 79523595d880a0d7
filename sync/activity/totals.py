"""Accurate's total beside the POS's, for each document the latest attempt checked: what the details
page shows, above all for a row synced with a difference (sync/engine/verify.py writes the figures on
the attempt's answers as `accurate_total` and `pos_total`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sync.engine.verify import cents
from sync.models import SyncAttempt

DOCUMENT_LABELS: dict[str, Promise] = {
    "sales-invoice": _("Sales invoice"),
    "sales-receipt": _("Sales receipt"),
    "sales-return": _("Sales return"),
    "other-deposit": _("Other deposit"),
    "other-payment": _("Other payment"),
}


@dataclass(frozen=True)
class TotalCheck:
    module: str
    number: str
    accurate: Decimal  # Accurate's own total
    pos: Decimal  # what the POS says it must be

    @property
    def label(self) -> Promise | str:
        return DOCUMENT_LABELS.get(self.module, self.module)

    @property
    def difference(self) -> Decimal:
        return self.accurate - self.pos

    @property
    def differs(self) -> bool:
        return cents(self.accurate) != cents(self.pos)


def totals_checked(attempts: Sequence[SyncAttempt]) -> list[TotalCheck]:
    """The documents the latest attempt checked, each with its last figures (after a correction)."""
    if not attempts:
        return []
    found: dict[tuple[str, str], TotalCheck] = {}
    for entry in attempts[-1].answered:
        try:
            check = TotalCheck(
                str(entry["module"]),
                str(entry["number"]),
                Decimal(str(entry["accurate_total"])),
                Decimal(str(entry["pos_total"])),
            )
        except (KeyError, TypeError, InvalidOperation):
            continue  # an answer without figures (not checked, or from before the checks)
        found[(check.module, check.number)] = check
    return list(found.values())
