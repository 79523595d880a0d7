"""Outlets and the product catalogue of a store, with stock per outlet."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models

from .fields import ZERO, money_field, quantity_field
from .stores import Store


class Outlet(models.Model):
    """A shop of the store. Outlets in WITA or WIT set their own time zone."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="outlets")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, blank=True, default="", help_text="Empty: the store's time zone."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="outlet_code_unique_per_store")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def zone(self) -> ZoneInfo:
        """The zone that decides this outlet's local (accounting) date."""
        return ZoneInfo(self.time_zone or self.store.time_zone)


class Product(models.Model):
    """A POS product. The SKU may be missing or shared: the product checks find those."""

    class ItemType(models.TextChoices):
        INVENTORY = "inventory", "Inventory"
        SERVICE = "service", "Service"
        NON_INVENTORY = "non_inventory", "Non-inventory"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    pos_id = models.CharField(max_length=64)
    sku = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=255)
    barcode = models.CharField(max_length=64, blank=True, default="")
    unit = models.CharField(max_length=20, default="PCS")
    price = money_field()
    cost = money_field()
    item_type = models.CharField(max_length=20, choices=ItemType.choices, default=ItemType.INVENTORY)
    category = models.CharField(max_length=100, blank=True, default="")
    # PPN applies to its sales (most goods and services; basic necessities are exempt). Sales lines
    # of a taxable product are sent to Accurate with its PPN flag, and the item is pushed with it.
    taxable = models.BooleanField(default=True)
    has_serial_number = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["store", "pos_id"], name="product_pos_id_unique")]
        indexes = [models.Index(fields=["store", "sku"], name="product_store_sku")]

    def __str__(self) -> str:
        return f"{self.sku or '(no SKU)'} {self.name}"


class OutletStock(models.Model):
    """On-hand quantity of a product at an outlet, as the POS last reported it."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    quantity = quantity_field(default=ZERO)
    unit_cost = money_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outlet", "product"], name="stock_unique_per_outlet")]
