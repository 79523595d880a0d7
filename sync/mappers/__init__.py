"""Mappers: pure functions from a POS document and where it goes (a Destination) to the Accurate
documents it needs (Planned). No I/O: documents come with their relations prefetched."""

from .adjustment import plan_adjustment
from .deposit import plan_deposit
from .numbers import (
    NUMBER_MAX_LENGTH,
    adjustment_number,
    customer_number,
    deposit_number,
    invoice_number,
    payout_fee_number,
    payout_transfer_number,
    receipt_number,
    refund_payment_number,
    return_number,
    stock_take_number,
    transfer_in_number,
    transfer_out_number,
)
from .order import plan_order
from .payout import plan_payout
from .refund import plan_refund
from .refund_payment import plan_refund_payment
from .stock_take import plan_stock_take
from .summary import SummaryPeriod, plan_order_summary
from .summary_refund import plan_refund_summary
from .summary_void import plan_summary_void
from .totals import invoice_total
from .transfer import plan_transfer_in, plan_transfer_out
from .types import Destination, MappingProblem, Planned
from .void import plan_order_void

__all__ = [
    "NUMBER_MAX_LENGTH",
    "Destination",
    "MappingProblem",
    "Planned",
    "SummaryPeriod",
    "adjustment_number",
    "customer_number",
    "deposit_number",
    "invoice_number",
    "invoice_total",
    "payout_fee_number",
    "payout_transfer_number",
    "plan_adjustment",
    "plan_deposit",
    "plan_order",
    "plan_order_summary",
    "plan_order_void",
    "plan_payout",
    "plan_refund",
    "plan_refund_payment",
    "plan_refund_summary",
    "plan_stock_take",
    "plan_summary_void",
    "plan_transfer_in",
    "plan_transfer_out",
    "receipt_number",
    "refund_payment_number",
    "return_number",
    "stock_take_number",
    "transfer_in_number",
    "transfer_out_number",
]
