"""The owner's email digest: documents that failed since the last one, in one message per store,
and the documents that wait on them (a refund of a failed sale, a transfer received of a failed
transfer sent: they will not go until the merchant acts on the failed one, so they count as failed).

Beat runs it every few minutes. A digest claims its period with a conditional update before it
sends, so two beats never send the same failures twice; a store with nothing new gets no email.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import send_mail
from django.db.models import Q, QuerySet

from outlets.models import Membership, Store
from sync.engine.claim import blocked_by_failure
from sync.models import FailureDigest, Reconciliation, ReconciliationDifference, SyncActivity
from sync.reconcile.labels import difference_line
from sync.reconcile.selectors import reconciliation_differences_since
from sync.selectors import differences_since

logger = logging.getLogger(__name__)
ACTIVITY_PATH = "/apps/accurate/activity/"
RECONCILIATION_PATH = "/apps/accurate/reconciliation/"
LISTED = 20


def _claim_period(store: Store, now: datetime) -> datetime | None:
    """The start of the period this digest covers, or None when another run took it."""
    digest, created = FailureDigest.objects.get_or_create(store=store, defaults={"covered_until": now})
    if created:
        # The first digest covers failures since the store's oldest failure.
        oldest = SyncActivity.objects.filter(
            store=store, status__in=[SyncActivity.Status.FAILED, SyncActivity.Status.DIFFERENCE]
        ).order_by("completed_at")
        first = oldest.values_list("completed_at", flat=True).first()
        start = first if first and first < now else now
        FailureDigest.objects.filter(pk=digest.pk).update(covered_until=start)
        digest.covered_until = start
    took = FailureDigest.objects.filter(pk=digest.pk, covered_until=digest.covered_until).update(
        covered_until=now, sent_at=now
    )
    return digest.covered_until if took else None


_SALE_FAILED = "waits for its sale, which failed; it goes by itself once the sale is in Accurate."
WAITING: dict[str, str] = {
    SyncActivity.Kind.REFUND: _SALE_FAILED,
    SyncActivity.Kind.ORDER_VOID: _SALE_FAILED,
    SyncActivity.Kind.TRANSFER_IN: "waits for its transfer sent, which failed; it goes by itself once that "
    "is in Accurate.",
    SyncActivity.Kind.REFUND_SUMMARY: "waits for its sales summary, which failed; it goes by itself once "
    "that is in Accurate.",
}


def _line(activity: SyncActivity, reason: str) -> str:
    outlet = activity.outlet.code if activity.outlet else "Whole store"
    return f"- {activity.get_kind_display()} {activity.pos_number} ({outlet}): {reason}"


def failure_digest_text(
    store: Store,
    failed: list[SyncActivity],
    total: int,
    waiting: list[SyncActivity] | None = None,
    *,
    differing: list[SyncActivity] | None = None,
    unreconciled: list[ReconciliationDifference] | None = None,
) -> str:
    """`total`: the failed and the waiting documents together; `failed` and `waiting` the first ones.
    `differing`: documents that landed with another total; `unreconciled`: the daily checks'
    differences. Each list is cut at LISTED lines."""
    lines = _failures(store, failed, total, waiting or []) if total else []
    if differing:
        lines += _section(
            f"{len(differing)} document(s) of {store.name} landed in Accurate with another total:",
            [_line(a, a.status_reason) for a in differing],
            f"Activity page: {ACTIVITY_PATH}?status=difference",
            lines,
        )
    if unreconciled:
        lines += _section(
            f"The daily check found {len(unreconciled)} difference(s) between the POS and Accurate:",
            [difference_line(d) for d in unreconciled],
            f"Reconciliation page: {RECONCILIATION_PATH}",
            lines,
        )
    return "\n".join(lines)


def _failures(store: Store, failed: list[SyncActivity], total: int, waiting: list[SyncActivity]) -> list[str]:
    lines = [
        f"{total} document(s) of {store.name} could not be synced to Accurate.",
        "Nothing is lost: fix what each one says, then press Sync on the activity page.",
        "",
    ]
    listed = [_line(a, a.status_reason) for a in failed] + [_line(a, WAITING[a.kind]) for a in waiting]
    lines += listed[:LISTED]
    if total > LISTED:
        lines.append(f"… and {total - LISTED} more.")
    return [*lines, "", f"Activity page: {ACTIVITY_PATH}?status=failed"]


def _section(title: str, listed: list[str], page: str, before: list[str]) -> list[str]:
    more = [f"… and {len(listed) - LISTED} more."] if len(listed) > LISTED else []
    return ([""] if before else []) + [title, "", *listed[:LISTED], *more, "", page]


def _subject(store: Store, total: int, differing: int, unreconciled: int) -> str:
    if total:
        return f"{total} document(s) failed to sync to Accurate — {store.name}"
    if differing:
        return f"{differing} document(s) in Accurate with another total — {store.name}"
    return f"{unreconciled} difference(s) between the POS and Accurate — {store.name}"


def _stores_to_tell() -> QuerySet[Store]:
    """Stores with a failure, a document landed with a difference, or a daily check with differences:
    the only ones a digest may have something for."""
    listed = SyncActivity.objects.filter(
        status__in=[SyncActivity.Status.FAILED, SyncActivity.Status.DIFFERENCE]
    ).values("store_id")
    checked = Reconciliation.objects.filter(status=Reconciliation.Status.DIFFERENCES).values("store_id")
    return Store.objects.filter(Q(pk__in=listed) | Q(pk__in=checked))


def _owners(store: Store) -> list[str]:
    owners = Membership.objects.filter(store=store, role=Membership.Role.OWNER).select_related("user")
    return sorted({m.user.email for m in owners if m.user.email})


def failure_digests_send(*, now: datetime) -> int:
    """Email each store's owners what went wrong since its last digest: the documents that failed and
    those waiting on them, the documents that landed with another total, and the daily checks'
    differences. Returns emails sent."""
    sent = 0
    for store in _stores_to_tell():
        since = _claim_period(store, now)
        if since is None:
            continue
        period = Q(completed_at__gte=since, completed_at__lt=now)
        failed_qs = SyncActivity.objects.filter(
            period, store=store, status=SyncActivity.Status.FAILED
        ).select_related("outlet")
        # Documents that wait on this period's failures: they count as failed too.
        waiting_qs = SyncActivity.objects.filter(blocked_by_failure(period), store=store).select_related(
            "outlet"
        )
        total = failed_qs.count() + waiting_qs.count()
        differing = differences_since(store, since, now)
        unreconciled = reconciliation_differences_since(store, since, now)
        recipients = _owners(store)
        if not (total or differing or unreconciled) or not recipients:
            continue
        failed = list(failed_qs.order_by("completed_at", "id")[:LISTED])
        waiting = list(waiting_qs.order_by("created_at", "id")[:LISTED])
        try:
            send_mail(
                _subject(store, total, len(differing), len(unreconciled)),
                failure_digest_text(
                    store, failed, total, waiting, differing=differing, unreconciled=unreconciled
                ),
                None,
                recipients,
            )
        except Exception:  # the activity page shows the failures; the mail is a courtesy
            logger.exception("could not email the failure digest of store %s", store.pk)
            continue
        sent += 1
    return sent
