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
from django.db.models import Count, Q

from outlets.models import Membership, Store
from sync.engine.claim import blocked_by_failure
from sync.models import FailureDigest, SyncActivity

logger = logging.getLogger(__name__)
ACTIVITY_PATH = "/apps/accurate/activity/"
LISTED = 20


def _claim_period(store: Store, now: datetime) -> datetime | None:
    """The start of the period this digest covers, or None when another run took it."""
    digest, created = FailureDigest.objects.get_or_create(store=store, defaults={"covered_until": now})
    if created:
        # The first digest covers failures since the store's oldest failure.
        oldest = SyncActivity.objects.filter(store=store, status=SyncActivity.Status.FAILED).order_by(
            "completed_at"
        )
        first = oldest.values_list("completed_at", flat=True).first()
        start = first if first and first < now else now
        FailureDigest.objects.filter(pk=digest.pk).update(covered_until=start)
        digest.covered_until = start
    took = FailureDigest.objects.filter(pk=digest.pk, covered_until=digest.covered_until).update(
        covered_until=now, sent_at=now
    )
    return digest.covered_until if took else None


_SALE_FAILED = "waits for its sale, which failed; it goes by itself once the sale is in Accurate."
WAITING = {
    SyncActivity.Kind.REFUND: _SALE_FAILED,
    SyncActivity.Kind.ORDER_VOID: _SALE_FAILED,
    SyncActivity.Kind.TRANSFER_IN: "waits for its transfer sent, which failed; it goes by itself once that "
    "is in Accurate.",
}


def _line(activity: SyncActivity, reason: str) -> str:
    outlet = activity.outlet.code if activity.outlet else "Whole store"
    return f"- {activity.get_kind_display()} {activity.pos_number} ({outlet}): {reason}"


def failure_digest_text(
    store: Store, failed: list[SyncActivity], total: int, waiting: list[SyncActivity] | None = None
) -> str:
    """`total`: the failed and the waiting documents together; `failed` and `waiting` the first ones."""
    lines = [
        f"{total} document(s) of {store.name} could not be synced to Accurate.",
        "Nothing is lost: fix what each one says, then press Sync on the activity page.",
        "",
    ]
    listed = [_line(a, a.status_reason) for a in failed] + [_line(a, WAITING[a.kind]) for a in waiting or []]
    lines += listed[:LISTED]
    if total > LISTED:
        lines.append(f"… and {total - LISTED} more.")
    lines += ["", f"Activity page: {ACTIVITY_PATH}?status=failed"]
    return "\n".join(lines)


def failure_digests_send(*, now: datetime) -> int:
    """Email each store's owners the documents that failed since its last digest. Returns emails sent."""
    stores = (
        SyncActivity.objects.filter(status=SyncActivity.Status.FAILED)
        .values("store_id")
        .annotate(n=Count("id"))
        .values_list("store_id", flat=True)
    )
    sent = 0
    for store in Store.objects.filter(pk__in=stores):
        since = _claim_period(store, now)
        if since is None:
            continue
        failed_qs = SyncActivity.objects.filter(
            store=store, status=SyncActivity.Status.FAILED, completed_at__gte=since, completed_at__lt=now
        ).select_related("outlet")
        # Documents that wait on this period's failures: they count as failed too.
        waiting_qs = SyncActivity.objects.filter(
            blocked_by_failure(Q(completed_at__gte=since, completed_at__lt=now)), store=store
        ).select_related("outlet")
        total = failed_qs.count() + waiting_qs.count()
        recipients = sorted(
            {
                m.user.email
                for m in Membership.objects.filter(store=store, role=Membership.Role.OWNER).select_related(
                    "user"
                )
                if m.user.email
            }
        )
        if not total or not recipients:
            continue
        failed = list(failed_qs.order_by("completed_at", "id")[:LISTED])
        waiting = list(waiting_qs.order_by("created_at", "id")[:LISTED])
        try:
            send_mail(
                f"{total} document(s) failed to sync to Accurate — {store.name}",
                failure_digest_text(store, failed, total, waiting),
                None,
                recipients,
            )
        except Exception:  # the activity page shows the failures; the mail is a courtesy
            logger.exception("could not email the failure digest of store %s", store.pk)
            continue
        sent += 1
    return sent
