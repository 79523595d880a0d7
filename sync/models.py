"""The outbox and log of the sync: one SyncActivity per POS document (or event) to push."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mapping.models import Connection
from outlets.models import (
    Adjustment,
    Deposit,
    Order,
    Outlet,
    Payout,
    Refund,
    Shift,
    StockTake,
    Store,
    Transfer,
)

# A product push's models live with it; imported here so Django registers them with sync.
from sync.product_push.models import ProductPush as ProductPush
from sync.product_push.models import ProductPushBatch as ProductPushBatch

SOURCE_FIELDS = (
    "order",
    "refund",
    "transfer",
    "adjustment",
    "stock_take",
    "deposit",
    "payout",
    "product_batch",
)


class SyncActivity(models.Model):
    """Something to push to Accurate, written in the same transaction as its POS document.

    The sync engine claims Pending rows; a row is never deleted, so the merchant's activity page
    shows what happened to every document.
    """

    class Kind(models.TextChoices):
        ORDER = "order", _("Sale")
        ORDER_VOID = "order_void", _("Sale voided")
        REFUND = "refund", _("Refund")
        TRANSFER_OUT = "transfer_out", _("Transfer sent")
        TRANSFER_IN = "transfer_in", _("Transfer received")
        ADJUSTMENT = "adjustment", _("Stock adjustment")
        STOCK_TAKE = "stock_take", _("Stock take")
        DEPOSIT = "deposit", _("Deposit")
        PAYOUT = "payout", _("iSellerPay payout")
        # The sales of an outlet's shift or local day, as one invoice (posting mode per shift or day).
        ORDER_SUMMARY = "order_summary", _("Sales summary")
        # The refunds of a sales summary's period, as one sales return against its invoice.
        REFUND_SUMMARY = "refund_summary", _("Refunds summary")
        PRODUCT_PUSH = "product_push", _("Products pushed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        # In Accurate, but Accurate's total differs from the POS (after any correction): see why.
        DIFFERENCE = "difference", _("Synced with a difference")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses of a row that may still post something to Accurate.
    OPEN_STATUSES = (Status.PENDING, Status.RUNNING, Status.FAILED)

    # Indexed by activity_store_status, which starts with the store.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_activities", db_index=False)
    # Empty for store-level rows (a batch of a product push), set for every outlet document.
    # Indexed by activity_outlet_created, which starts with the outlet.
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sync_activities",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    pos_number = models.CharField(max_length=64, help_text="The source document's POS number.")

    # The source document: exactly one of these is set, matching `kind`. Their indexes are partial
    # (below): each row fills one of eight columns, and indexing seven NULLs per row slowed ingestion.
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.RESTRICT, db_index=False)
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.RESTRICT, db_index=False)
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.RESTRICT, db_index=False)
    adjustment = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.RESTRICT, db_index=False
    )
    stock_take = models.ForeignKey(
        StockTake, null=True, blank=True, on_delete=models.RESTRICT, db_index=False
    )
    deposit = models.ForeignKey(Deposit, null=True, blank=True, on_delete=models.RESTRICT, db_index=False)
    payout = models.ForeignKey(Payout, null=True, blank=True, on_delete=models.RESTRICT, db_index=False)
    product_batch = models.ForeignKey(
        ProductPushBatch, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )

    # Posting per shift or per day (sync.summaries): a sale's row points to the summary row that
    # covers it, is never pushed on its own and takes the summary's status once it settles. A summary
    # row has no source document: it names its period (the shift, else the local day) and its part
    # (2, 3… for sales that arrived after an earlier part was sent: addenda, never changes).
    summary = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="covered", db_index=False
    )
    period_shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.RESTRICT, related_name="+", db_index=False
    )
    period_date = models.DateField(null=True, blank=True)
    period_part = models.PositiveSmallIntegerField(default=0)
    # A sales summary's tax mode (sync.mappers.order.TaxMode: untaxed, exclusive, inclusive), the one
    # of every sale it covers: one invoice has one, so a period's sales of another mode are in a part of
    # their own. Empty for other rows (a refunds summary follows its sales summary's).
    period_tax = models.CharField(max_length=10, blank=True, default="")
    # A refunds summary: the sales summary whose invoice its sales return is against (its refunds'
    # sales are in it; same period, parts of its own).
    against = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="returns", db_index=False
    )

    status_reason = models.TextField(blank=True, default="", help_text="Why, in merchant words.")
    # When a Pending row may be claimed. Empty: held until its schedule releases it (a sale waiting
    # for its shift to close, a transfer waiting for the set hour or "Sync now"). A retry after a
    # retryable error sets it to the end of the backoff.
    due_at = models.DateTimeField(null=True, blank=True)
    # The last answer left the outcome unknown (dropped connection, timeout, "number already used"):
    # look the numbers up in Accurate before sending anything again.
    needs_lookup = models.BooleanField(default=False)
    # Its documents were taken out of Accurate by Undo a range (sync/ranges/): it waits, held, for
    # Backfill or its own Sync; the schedule and "Sync now" never release it (they would post it
    # again at once, before the mapping is fixed).
    undone = models.BooleanField(default=False)

    class Cause(models.TextChoices):
        """Why a Failed row failed, where something can send it again by itself."""

        NONE = "", _("Other")
        # An item Accurate does not have, or a product the POS has not given a usable SKU: a
        # finished "Push products" sends these rows again.
        MISSING_ITEM = "missing_item", _("Item missing in Accurate")

    failure_cause = models.CharField(max_length=20, choices=Cause.choices, blank=True, default="")
    # While Running: the push lane (PushLease.holder) the row was claimed under. Once that lane is
    # no longer renewed, the worker is gone and the row is taken back (sync.engine.orphans).
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    accurate_id = models.BigIntegerField(null=True, blank=True)
    accurate_number = models.CharField(max_length=50, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "sync activities"
        indexes = [
            models.Index(fields=["store", "status", "created_at"], name="activity_store_status"),
            models.Index(fields=["status", "updated_at"], name="activity_status_updated"),
            # The activity page lists newest first by (created_at, id), by store or by outlet. The
            # open (Pending/Running) and Failed rows are few: partial indexes keep their pages and
            # counts from walking the store's successes. Completed rows carry their status for the
            # chart and the last sync; numbers are searched by prefix.
            models.Index(fields=["store", "created_at", "id"], name="activity_store_created"),
            models.Index(fields=["outlet", "created_at", "id"], name="activity_outlet_created"),
            models.Index(fields=["store", "kind", "created_at"], name="activity_store_kind"),
            models.Index(
                fields=["store", "created_at"],
                condition=Q(status__in=["pending", "running"]),
                name="activity_store_open",
            ),
            models.Index(
                fields=["outlet", "created_at"],
                condition=Q(status__in=["pending", "running"]),
                name="activity_outlet_open",
            ),
            models.Index(
                fields=["outlet", "created_at"], condition=Q(status="failed"), name="activity_outlet_failed"
            ),
            models.Index(
                fields=["store", "completed_at"],
                include=["status"],
                condition=Q(completed_at__isnull=False),
                name="activity_store_completed",
            ),
            models.Index(
                fields=["store", "pos_number"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="activity_store_pos_number",
            ),
            models.Index(
                fields=["store", "accurate_number"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                condition=~Q(accurate_number=""),
                name="activity_store_accurate_no",
            ),
            # The claim: a store's Pending rows that are due, oldest due first.
            models.Index(
                fields=["store", "due_at"], condition=Q(status="pending"), name="activity_store_due"
            ),
            # Each kind's claim, and the probe for the kind due longest.
            models.Index(
                fields=["store", "kind", "due_at", "id"],
                condition=Q(status="pending"),
                name="activity_store_kind_due",
            ),
            *[
                models.Index(
                    fields=[field], condition=Q(**{f"{field}__isnull": False}), name=f"activity_{field}"
                )
                for field in SOURCE_FIELDS
            ],
            models.Index(fields=["summary"], condition=Q(summary__isnull=False), name="activity_summary"),
            models.Index(
                fields=["outlet", "period_date"],
                condition=Q(kind="order_summary"),
                name="activity_summary_period",
            ),
            models.Index(fields=["against"], condition=Q(against__isnull=False), name="activity_against"),
        ]
        constraints = [
            models.CheckConstraint(
                name="activity_has_one_source",
                condition=(
                    Q(kind__in=["order", "order_void"], order__isnull=False)
                    | Q(kind="refund", refund__isnull=False)
                    | Q(kind__in=["transfer_out", "transfer_in"], transfer__isnull=False)
                    | Q(kind="adjustment", adjustment__isnull=False)
                    | Q(kind="stock_take", stock_take__isnull=False)
                    | Q(kind="deposit", deposit__isnull=False)
                    | Q(kind="payout", payout__isnull=False)
                    | Q(kind="product_push", product_batch__isnull=False)
                    | Q(kind="order_summary", outlet__isnull=False)
                    | Q(kind="refund_summary", outlet__isnull=False, against__isnull=False)
                ),
            ),
            # A summary's POS-side key (its period and part) is its number: one row per number.
            models.UniqueConstraint(
                fields=["outlet", "kind", "pos_number"],
                condition=Q(kind__in=["order_summary", "refund_summary"]),
                name="activity_one_summary_per_number",
            ),
            # At most one row per document and kind can still post: no double posting from the outbox.
            *[
                models.UniqueConstraint(
                    fields=["kind", field],
                    condition=Q(status__in=["pending", "running", "failed"], **{f"{field}__isnull": False}),
                    name=f"activity_one_open_per_{field}",
                )
                for field in SOURCE_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pos_number} ({self.status})"


class Outcome(models.TextChoices):
    """What a try came to, for one document, one row and its attempt: the engine's one vocabulary.

    Members go from best to worst: a row takes the worst outcome of its documents (`severity`). An
    attempt records `recorded` (a pause is recorded as a retry: the row waits, due, and goes again
    once the connection is reconnected). A success whose totals still differ from the POS makes its
    row Synced with a difference; its attempt is a success all the same.
    """

    SUCCESS = "success", _("Success")
    WAITING = "waiting", _("Waiting for another document")
    RETRY = "retry", _("Will retry")
    PAUSED = "paused", _("Paused until the connection is reconnected")
    FAILED = "failed", _("Failed")

    @property
    def severity(self) -> int:
        """How bad it is: 0 for a success, most for a failure."""
        return list(Outcome).index(self)

    @property
    def recorded(self) -> Outcome:
        """What a SyncAttempt stores for it (one of ATTEMPT_OUTCOMES)."""
        return Outcome.RETRY if self is Outcome.PAUSED else self


# The outcomes a SyncAttempt stores, in the order of its choices.
ATTEMPT_OUTCOMES = (Outcome.SUCCESS, Outcome.RETRY, Outcome.FAILED, Outcome.WAITING)


class SyncAttempt(models.Model):
    """One try of one activity: what was sent to Accurate, what it answered, how long, the outcome."""

    Outcome = Outcome

    activity = models.ForeignKey(SyncActivity, on_delete=models.CASCADE, related_name="attempts_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=[(o.value, o.label) for o in ATTEMPT_OUTCOMES])
    message = models.TextField(blank=True, default="")
    # [{"module", "action", "number", "payload"}] and [{"module", "number", "ok", "id", "messages"}].
    sent = models.JSONField(default=list)
    answered = models.JSONField(default=list)

    class Meta:
        ordering = ["activity", "started_at", "id"]
        indexes = [models.Index(fields=["activity", "started_at"], name="attempt_activity_started")]


class AccurateBinding(models.Model):
    """A document in Accurate that a POS document became: its number (ours, deterministic) and id.

    Unique by number and by id within one Accurate database and module. `payload_hash` is the hash of
    what was last saved, so an unchanged document is not sent again.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    database_id = models.BigIntegerField()
    module = models.CharField(max_length=40)
    number = models.CharField(max_length=50)
    accurate_id = models.BigIntegerField()
    payload_hash = models.CharField(max_length=64, blank=True, default="")
    activity = models.ForeignKey(
        SyncActivity, null=True, blank=True, on_delete=models.SET_NULL, related_name="bindings"
    )
    # The POS total Accurate's own total is still to be compared with: set when a save's answer did
    # not carry it during a backlog, and the read-back was left until the backlog is sent
    # (sync/engine/totals_check.py). Empty once compared, or when there is nothing to compare.
    unchecked_total = models.DecimalField(max_digits=30, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["store", "database_id", "module"],
                condition=models.Q(unchecked_total__isnull=False),
                name="binding_unchecked_total",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "database_id", "module", "number"], name="binding_unique_number"
            ),
            models.UniqueConstraint(
                fields=["store", "database_id", "module", "accurate_id"], name="binding_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.number} = {self.accurate_id}"


class PushLease(models.Model):
    """One of a connection's push lanes. A push task runs only while it holds a lane, so a
    connection never has more tasks pushing than lanes, however many the dispatcher enqueued."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    lane = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=64, blank=True, default="")
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "lane"], name="push_lease_unique_lane")]


class FailureDigest(models.Model):
    """Up to when a store's failures have been emailed to its owners: one digest covers many."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+")
    covered_until = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)


# The Celery processes' heartbeats (sync/ops/) and the daily reconciliation's models live with
# them; imported here so Django registers them with sync.
from sync.ops.models import Heartbeat as Heartbeat  # noqa: E402
from sync.reconcile.models import Reconciliation as Reconciliation  # noqa: E402
from sync.reconcile.models import ReconciliationDifference as ReconciliationDifference  # noqa: E402
