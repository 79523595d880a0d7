"""Documents that happen at an outlet: shifts, orders with their lines and payments, refunds.

Every document is identified by its outlet and its POS number. The normalised body the POS posted is
kept (`payload`, `payload_hash`) so that a replay is recognised and a conflicting one explained.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import Outlet, Product
from .fields import PaymentMethod, money_field, quantity_field


class PosDocument(models.Model):
    # Indexed by the unique (outlet, number) constraint, which starts with it.
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+", db_index=False)
    number = models.CharField(max_length=64, help_text="The POS number, unique per outlet.")
    payload = models.JSONField(help_text="The normalised body as the POS posted it.")
    payload_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["outlet", "number"], name="%(class)s_number_unique_per_outlet")
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.number}"


class Shift(PosDocument):
    """A cashier's shift on a register. Closing it is what sends the shift's sales (by schedule)."""

    cashier = models.CharField(max_length=100)
    opened_at = models.DateTimeField()
    opening_float = money_field()
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_cash = money_field(null=True, blank=True, default=None)

    class Meta(PosDocument.Meta):
        indexes = [models.Index(fields=["outlet", "closed_at"], name="shift_outlet_closed")]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Order(PosDocument):
    """A sale. Its lines, discounts, tax, service charge and rounding add up to `total`."""

    class Status(models.TextChoices):
        # Shown on the sale's details page, in the merchant's language; never sent to Accurate.
        COMPLETED = "completed", _("Completed")
        VOID = "void", _("Void")

    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.RESTRICT, related_name="orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPLETED)
    ordered_at = models.DateTimeField()
    customer_code = models.CharField(max_length=64, blank=True, default="")
    customer_name = models.CharField(max_length=200, blank=True, default="")
    customer_phone = models.CharField(max_length=40, blank=True, default="")
    customer_email = models.CharField(max_length=254, blank=True, default="")
    subtotal = money_field(help_text="Sum of the line amounts (after line discounts).")
    order_discount = money_field()
    tax = money_field()
    tax_inclusive = models.BooleanField(default=False)
    service_charge = money_field()
    rounding = money_field()
    total = money_field()
    note = models.CharField(max_length=500, blank=True, default="")
    voided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped at every change.")

    class Meta(PosDocument.Meta):
        indexes = [models.Index(fields=["outlet", "ordered_at"], name="order_outlet_ordered")]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="+")
    quantity = quantity_field()
    unit_price = money_field()
    discount = money_field(help_text="Line discount, as an amount.")
    amount = money_field(help_text="quantity × unit price − discount.")
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["order", "position"]


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    position = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    amount = money_field()
    reference = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["order", "position"]


class Refund(PosDocument):
    """Goods returned against an order; becomes a sales return against the order's invoice."""

    order = models.ForeignKey(Order, on_delete=models.RESTRICT, related_name="refunds")
    refunded_at = models.DateTimeField()
    reason = models.CharField(max_length=255, blank=True, default="")
    refund_method = models.CharField(max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    total = money_field()


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="+")
    quantity = quantity_field()
    unit_price = money_field()
    amount = money_field()

    class Meta:
        ordering = ["refund", "position"]
