"""What the reconciliation page and the digest call things: statuses, documents, figures, notes."""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outlets.models import PaymentMethod
from outlets.templatetags.rupiah import format_rupiah
from sync.reconcile.models import Reconciliation, ReconciliationDifference

from . import figures
from .figures import Figures, Tally
from .selectors import NOT_CHECKED, FigureLine

STATUS_LABELS: dict[str, Promise] = {
    NOT_CHECKED: _("Not checked"),
    Reconciliation.Status.CHECKING: _("Checking"),
    Reconciliation.Status.MATCHED: _("Matched"),
    Reconciliation.Status.DIFFERENCES: _("Differences"),
    Reconciliation.Status.FAILED: _("Check failed"),
}
# The badge colours of app.css: success, failed, pending.
STATUS_BADGES = {
    NOT_CHECKED: "cancelled",
    Reconciliation.Status.CHECKING: "pending",
    Reconciliation.Status.MATCHED: "success",
    Reconciliation.Status.DIFFERENCES: "failed",
    Reconciliation.Status.FAILED: "failed",
}
ROLE_LABELS: dict[str, Promise] = {
    figures.SALE: _("Sales invoice"),
    figures.RECEIPT: _("Sales receipt"),
    figures.RETURN: _("Sales return"),
    figures.DEPOSIT: _("Other deposit"),
    # An other payment (Pembayaran Lain) paying a refund or a voided sale's money back.
    figures.MONEY_OUT: _("Money paid back (other payment)"),
    figures.TRANSFER_OUT: _("Transfer sent"),
    figures.TRANSFER_IN: _("Transfer received"),
    figures.ADJUSTMENT: _("Stock adjustment"),
    figures.STOCK_TAKE: _("Stock take"),
}
NOTE_LABELS: dict[str, Promise] = {
    "voided": _("Voided at the POS, still in Accurate."),
}
# Refusals of "Check now" (sync.reconcile.services.CheckRefused codes).
REFUSALS: dict[str, Promise] = {
    "not_connected": _("The store is not connected to Accurate: connect it first (Apps → Accurate)."),
    "not_active": _("This outlet is not active in Accurate: activate it in Outlet mapping first."),
    "future": _("That day has not begun at the outlet yet."),
    "checking": _("This day is being checked already."),
}


def status_label(status: str) -> Promise:
    return STATUS_LABELS.get(status, STATUS_LABELS[NOT_CHECKED])


def method_label(method: str) -> str:
    return str(PaymentMethod(method).label) if method in PaymentMethod.values else method or str(_("Other"))


def _tally_lines(count: Promise, total: Promise, pos: Tally, accurate: Tally) -> list[FigureLine]:
    return [
        FigureLine(str(count), pos.count, accurate.count),
        FigureLine(str(total), pos.total, accurate.total, money=True),
    ]


def _stock_lines(label: Promise, pos: dict[str, Decimal], accurate: dict[str, Decimal]) -> list[FigureLine]:
    zero = Decimal(0)
    return [
        FigureLine(str(label), pos.get(item, zero), accurate.get(item, zero), item=item)
        for item in sorted(pos.keys() | accurate.keys())
    ]


def _method_lines(label: Promise, pos: dict[str, Tally], accurate: dict[str, Tally]) -> list[FigureLine]:
    return [
        FigureLine(
            f"{label} · {method_label(method)}",
            pos.get(method, Tally()).total,
            accurate.get(method, Tally()).total,
            money=True,
        )
        for method in sorted(pos.keys() | accurate.keys())
    ]


def figure_lines(pos: Figures, accurate: Figures) -> list[FigureLine]:
    """Both sides line by line: counts and totals of money documents, receipts and money paid back
    per payment method, quantities moved per item."""
    lines = _tally_lines(_("Sales invoices"), _("Sales total"), pos.sales, accurate.sales)
    lines += _method_lines(_("Receipts"), pos.receipts, accurate.receipts)
    lines += _tally_lines(_("Sales returns"), _("Returns total"), pos.returns, accurate.returns)
    lines += _method_lines(_("Money paid back"), pos.money_out, accurate.money_out)
    lines += _tally_lines(_("Other deposits"), _("Deposits total"), pos.deposits, accurate.deposits)
    lines.append(FigureLine(str(_("Stock takes")), pos.stock_takes, accurate.stock_takes))
    lines += _stock_lines(_("Transfers sent"), pos.transfers_out, accurate.transfers_out)
    lines += _stock_lines(_("Transfers received"), pos.transfers_in, accurate.transfers_in)
    lines += _stock_lines(_("Stock adjustments"), pos.adjustments, accurate.adjustments)
    return lines


def receipts_total(side: Figures) -> Decimal:
    return sum((tally.total for tally in side.receipts.values()), Decimal(0))


def difference_line(difference: ReconciliationDifference) -> str:
    """One difference in a sentence for the owner's email (English, like the rest of the digest)."""
    check = difference.reconciliation
    what = f"{role_label(difference.role)} {difference.number}"
    if difference.pos_number:
        what += f" (POS {difference.pos_number})"
    amounts = ""
    if difference.pos_amount is not None or difference.accurate_amount is not None:
        pos = format_rupiah(difference.pos_amount) if difference.pos_amount is not None else "—"
        accurate = (
            format_rupiah(difference.accurate_amount) if difference.accurate_amount is not None else "—"
        )
        amounts = f": POS {pos}, Accurate {accurate}"
    elif difference.quantities:
        amounts = ": " + ", ".join(
            f"{item} POS {pos} / Accurate {accurate}"
            for item, (pos, accurate) in difference.quantities.items()
        )
    kind = str(ReconciliationDifference.Kind(difference.kind).label)
    return f"- {check.outlet.code} {check.day.isoformat()} · {kind}: {what}{amounts}"


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role
