"""What the merchant reads for a status: Running is still Pending to them (it has not landed); a row
in Accurate with another total than the POS's is "Synced with a difference"."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sync.models import SyncActivity

Status = SyncActivity.Status

LABELS: dict[str, Promise] = {
    Status.SUCCESS: _("Success"),
    Status.DIFFERENCE: _("Synced with a difference"),
    Status.FAILED: _("Failed"),
    Status.PENDING: _("Pending"),
    Status.RUNNING: _("Pending"),
    Status.CANCELLED: _("Cancelled"),
}


def merchant_status(status: str) -> str:
    """The status as the page groups it: success, difference, failed, pending (incl. running) or
    cancelled."""
    return Status.PENDING if status == Status.RUNNING else status


def status_label(status: str) -> Promise:
    return LABELS.get(status, LABELS[Status.PENDING])


Kind = SyncActivity.Kind

# The model's choices are not marked for translation; the pages read these.
KIND_LABELS: dict[str, Promise] = {
    Kind.ORDER: _("Sale"),
    Kind.ORDER_VOID: _("Sale voided"),
    Kind.REFUND: _("Refund"),
    Kind.TRANSFER_OUT: _("Transfer sent"),
    Kind.TRANSFER_IN: _("Transfer received"),
    Kind.ADJUSTMENT: _("Stock adjustment"),
    Kind.STOCK_TAKE: _("Stock take"),
    Kind.DEPOSIT: _("Deposit"),
    Kind.PAYOUT: _("iSellerPay payout"),
    Kind.ORDER_SUMMARY: _("Sales summary"),
    Kind.REFUND_SUMMARY: _("Refunds summary"),
    Kind.PRODUCT_PUSH: _("Products pushed"),
}


def kind_label(kind: str) -> Promise | str:
    return KIND_LABELS.get(kind, kind)
