"""The daily reconciliation: one row per outlet and local day, with what the POS and Accurate hold.

Imported by sync/models.py, so Django registers these models with the sync app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outlets.models import Outlet, Store


class Reconciliation(models.Model):
    """A check of one outlet's local day: its POS documents beside what Accurate holds for the
    outlet's branch and that date. Checking it again replaces the result (figures, differences)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        MATCHED = "matched", _("Matched")
        DIFFERENCES = "differences", _("Differences")
        FAILED = "failed", _("Check failed")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(help_text="The outlet's local (accounting) day.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CHECKING)
    # Empty: asked by the beat after the day's schedule; else who pressed Check.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    # Set when a worker takes the check; `claimed_by` is that run's token, so only it writes back.
    started_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    checked_at = models.DateTimeField(null=True, blank=True, help_text="When the last run ended.")
    attempts = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0, help_text="Calls to Accurate the last run made.")
    duration_ms = models.PositiveIntegerField(default=0)
    # sync.reconcile.figures.Figures as JSON (amounts as strings): the POS side and Accurate's.
    pos_figures = models.JSONField(default=dict)
    accurate_figures = models.JSONField(default=dict)
    differences_count = models.PositiveIntegerField(default=0)
    accurate_only_count = models.PositiveIntegerField(default=0)
    # The day's documents not in Accurate yet (Pending, Running, Failed) when it was checked.
    unsynced_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="", help_text="Why the last run failed.")
    # A failed run the beat tries again (Accurate unreachable, rate limited, connection paused).
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "day"], name="reconciliation_outlet_day_unique")
        ]
        indexes = [
            models.Index(fields=["store", "day"], name="reconciliation_store_day"),
            # The digest's differences since its last run.
            models.Index(fields=["store", "checked_at"], name="reconciliation_store_checked"),
        ]

    def __str__(self) -> str:
        return f"Reconciliation of outlet {self.outlet_id} on {self.day} ({self.status})"


class ReconciliationDifference(models.Model):
    """One document that does not agree, with what each side holds and links to both."""

    class Kind(models.TextChoices):
        MISSING_IN_ACCURATE = "missing_in_accurate", _("Missing in Accurate")
        MISSING_AT_POS = "missing_at_pos", _("Not at the POS on this day")
        AMOUNT_DIFFERS = "amount_differs", _("Amount differs")
        QUANTITY_DIFFERS = "quantity_differs", _("Quantities differ")
        # The outlet's number prefix, but no POS document ever became it: listed apart, not counted.
        ACCURATE_ONLY = "accurate_only", _("In Accurate only")

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="differences")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    module = models.CharField(max_length=40, help_text="The Accurate module, e.g. sales-invoice.")
    role = models.CharField(max_length=20, help_text="sale, receipt, return, deposit, transfer_out, …")
    number = models.CharField(max_length=50, help_text="The Accurate number.")
    pos_number = models.CharField(max_length=64, blank=True, default="")
    activity = models.ForeignKey(
        "sync.SyncActivity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accurate_id = models.BigIntegerField(null=True, blank=True)
    pos_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    accurate_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    # Quantities that differ, item by item: {"SKU": ["POS qty", "Accurate qty"]}.
    quantities = models.JSONField(default=dict, blank=True)
    # Why, when known, as a code the page words in the reader's language: "voided" (a sale voided at
    # the POS whose documents are still in Accurate).
    note = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["reconciliation", "position"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
