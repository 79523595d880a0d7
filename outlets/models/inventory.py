"""Stock movements and money in outside a sale: transfers, adjustments, stock takes, deposits."""

from __future__ import annotations

from django.db import models

from .catalog import Outlet, Product
from .documents import PosDocument
from .fields import PaymentMethod, money_field, quantity_field


class Transfer(PosDocument):
    """Goods sent from one outlet (`outlet`) to another; numbered by the sending outlet."""

    to_outlet = models.ForeignKey(Outlet, on_delete=models.RESTRICT, related_name="+")
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="+")
    quantity = quantity_field()

    class Meta:
        ordering = ["transfer", "position"]


class Adjustment(PosDocument):
    """Stock corrected by hand: lines of + (in) or − (out) quantity at a unit cost."""

    adjusted_at = models.DateTimeField()
    reason = models.CharField(max_length=255)


class AdjustmentLine(models.Model):
    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="+")
    quantity = quantity_field(help_text="Positive: stock in. Negative: stock out.")
    unit_cost = money_field()
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["adjustment", "position"]


class StockTake(PosDocument):
    """A count of the shelf: the quantity found per product."""

    counted_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True, default="")


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="+")
    counted_quantity = quantity_field()

    class Meta:
        ordering = ["stock_take", "position"]


class Deposit(PosDocument):
    """Money received outside a sale: a customer's deposit or cash put into the drawer."""

    class Kind(models.TextChoices):
        CUSTOMER_DEPOSIT = "customer_deposit", "Customer deposit"
        CASH_IN = "cash_in", "Cash in"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField()
    amount = money_field()
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    customer_name = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(max_length=500, blank=True, default="")


class Payout(PosDocument):
    """iSellerPay paying an outlet what it collected, less its MDR fee, into the outlet's bank.

    The money of iSellerPay payments first sits with iSeller (Accurate: the iSellerPay clearing
    account); a payout moves `net` from there to the bank and books `fee` as an expense.
    """

    paid_at = models.DateTimeField()
    gross = money_field(help_text="What iSellerPay collected for the payments it covers.")
    fee = money_field(help_text="The MDR fee iSellerPay kept.")
    net = money_field(help_text="What reached the bank: gross − fee.")
    period_start = models.DateField(null=True, blank=True, help_text="First day of payments it covers.")
    period_end = models.DateField(null=True, blank=True, help_text="Last day of payments it covers.")
    reference = models.CharField(max_length=100, blank=True, default="", help_text="The bank transfer's.")
    note = models.CharField(max_length=500, blank=True, default="")
