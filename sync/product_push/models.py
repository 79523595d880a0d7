"""A press of Push products and its batches of 100 (the `sync` app's models, registered through
sync/models.py, which re-exports them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mapping.models import Connection
from outlets.models import Store


class ProductPush(models.Model):
    """One press of "Push products": the store's active products with a SKU, sent to Accurate's item
    list in batches. The totals add up as batches finish; the page polls them."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="product_pushes")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="product_pushes")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    products_total = models.PositiveIntegerField(default=0)
    batches_total = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0, help_text="Items Accurate created.")
    existing = models.PositiveIntegerField(default=0, help_text="Items Accurate already had (by code).")
    failed = models.PositiveIntegerField(default=0, help_text="Products Accurate refused or not sent.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["store", "-created_at"], name="product_push_store_latest")]

    def __str__(self) -> str:
        return f"Product push {self.pk} of store {self.store_id} ({self.status})"


class ProductPushBatch(models.Model):
    """Up to 100 products of a push: one bulk-save call, one row in the activity log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")

    push = models.ForeignKey(ProductPush, on_delete=models.CASCADE, related_name="batches")
    position = models.PositiveIntegerField(help_text="1 for the first batch.")
    product_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    messages = models.JSONField(default=list, help_text="Why products failed, in merchant words.")
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["push", "position"], name="product_batch_position_unique")
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="product_batch_status_updated")]

    def __str__(self) -> str:
        return f"Batch {self.position} of product push {self.push_id} ({self.status})"
