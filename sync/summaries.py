"""Posting per shift or per day: which summary row covers a sale, written with the sale's outbox row.

An outlet whose mapping posts "per shift" or "per day" still gets one `order` row per sale (its
details page, its refunds and voids hang on it), but that row is never pushed on its own: it points
to an `order_summary` row, the one document pushed for the period, and takes its status once it
settles (`covered_follow`).

- **The period** of a sale: its shift (per shift; a sale without a shift falls back to its day), or
  the outlet's local day. The summary's POS-side key, hence its Accurate number, is the period and a
  part: `SHIFT-<shift no>`, `DAY-20261120`, then `…-2`, `…-3`.
- **One tax mode** per summary (PPN added or PPN inside the prices: `period_tax`), as one invoice
  has one: a taxed sale joins the open part of its period and its mode, and the first sale of the
  other mode opens the period's next part. So Accurate computes the PPN in the sales' own mode, and
  the rounding line keeps only what rounding leaves (the POS's own, PPN rounded per sale). A sale
  without PPN has no taxed line, so it joins any open part (a part of such sales only is "untaxed"
  until a taxed sale joins it and gives it its mode).
- **Open** summary: Pending and never tried (`attempts == 0`). A sale joins the period's open
  summary under that row's lock (`SELECT … FOR UPDATE`), in the transaction that writes the sale: a
  push claiming it at the same moment either waits (and then sends the sale too) or has claimed it
  first (the sale then sees it is no longer open). Two sales posted together never go to two
  summaries nor to none; two creating the period's next part collide on its unique number and the
  second joins the first.
- **Sealed** once tried: what it covers never changes, so what Accurate has (or may have, after an
  unclear answer) is never rewritten. A sale that arrives later starts the next part — an addendum
  with its own number, released by the same rule — and is never counted twice.

Refunds follow the same machinery with `kind` REFUND_SUMMARY: a refund given at the sale's outlet
within the period of the sales summary its sale is in joins that summary's open *refunds summary*
(`against` it; its number `<summary>-RET`, then `…-RET-2`), posted as one sales return against the
summary's invoice once that landed, and the money paid back summed per refund method. A refund of an
earlier period's sale (or given at another outlet) stays a return of its own against the summary.
When a sale not yet sent changes summary (a change at the POS, the outlet's posting mode switched),
its refunds not yet sent follow it by the same rule (`refunds_follow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from mapping.models import OutletMapping
from outlets.models import Order, Outlet, Refund

from .mappers.order import TaxMode, tax_mode
from .models import SyncActivity

Kind = SyncActivity.Kind
Status = SyncActivity.Status
Mode = OutletMapping.PostingMode
LANDED = (Status.SUCCESS, Status.DIFFERENCE)
# The kinds of summary rows, and the kind of the rows each covers.
MEMBER_KIND: dict[str, str] = {Kind.ORDER_SUMMARY: Kind.ORDER, Kind.REFUND_SUMMARY: Kind.REFUND}
SUMMARY_KINDS = tuple(MEMBER_KIND)


@dataclass(frozen=True, order=True)
class Period:
    """What one summary covers: a shift (`shift_id` set) or the outlet's local day; for a refunds
    summary (`against` set), the refunds of the period of that sales summary. `tax`: a sales
    summary's tax mode (`TaxMode`), each mode in parts of its own."""

    day: date  # the local day (of a shift: of its first sale)
    shift_id: int = 0
    shift_number: str = ""
    against: int = 0  # a refunds summary: the sales summary's row id
    against_number: str = ""  # and its POS-side number (`DAY-20261120`, `SHIFT-S7-2`)
    tax: str = ""  # a sales summary: the tax mode of its sales

    @property
    def kind(self) -> str:
        return Kind.REFUND_SUMMARY if self.against else Kind.ORDER_SUMMARY

    def pos_number(self, part: int) -> str:
        if self.against:
            base = f"{self.against_number}-RET"
        else:
            base = f"SHIFT-{self.shift_number}" if self.shift_id else f"DAY-{self.day:%Y%m%d}"
        return base if part <= 1 else f"{base}-{part}"


def posting_mode(outlet_id: int) -> str:
    mode = OutletMapping.objects.filter(outlet_id=outlet_id).values_list("posting_mode", flat=True).first()
    return mode or Mode.PER_SALE


def period_of(order: Order, mode: str, outlet: Outlet) -> Period:
    day = order.ordered_at.astimezone(outlet.zone).date()
    tax = tax_mode(order)
    if mode == Mode.PER_SHIFT and order.shift is not None:
        return Period(day, order.shift.pk, order.shift.number, tax=tax)
    return Period(day, tax=tax)


def summaries_of(outlet: Outlet, period: Period) -> QuerySet[SyncActivity]:
    """Every part of the period, whatever its tax mode: they share one numbering."""
    rows = SyncActivity.objects.filter(kind=period.kind, outlet=outlet)
    if period.against:
        return rows.filter(against_id=period.against)
    if period.shift_id:
        return rows.filter(period_shift_id=period.shift_id)
    return rows.filter(period_shift__isnull=True, period_date=period.day)


def is_open(summary: SyncActivity) -> bool:
    """Still taking sales: Pending and never claimed."""
    return summary.status == Status.PENDING and summary.attempts == 0


def summary_open(outlet: Outlet, period: Period) -> SyncActivity:
    """The period's open summary of its tax mode, locked until the transaction ends; a new part when
    it has none."""
    rows = summaries_of(outlet, period)
    mine = joinable(rows, period.tax)
    for _ in range(3):
        found = _open_locked(mine)
        if found is not None:
            return _taking_mode(found, period.tax)
        # Opening a part is serialised per outlet (the outlet's row lock, to the transaction's end):
        # without it, a sale that found no open part (of its tax mode), then read the highest part
        # after another sale's new part was committed, would open a second part beside it. FOR NO
        # KEY UPDATE: the sales just written hold KEY SHARE on the outlet (their foreign key), which
        # it leaves alone.
        Outlet.objects.select_for_update(no_key=True).filter(pk=outlet.pk).first()
        found = _open_locked(mine)
        if found is not None:
            return _taking_mode(found, period.tax)
        part = (rows.aggregate(last=Max("period_part"))["last"] or 0) + 1
        try:
            with transaction.atomic():  # a savepoint: a collision leaves the sale's transaction usable
                return SyncActivity.objects.create(
                    store_id=outlet.store_id,
                    outlet=outlet,
                    kind=period.kind,
                    pos_number=period.pos_number(part),
                    status=Status.PENDING,
                    due_at=None,  # held: released when its period is over (sync.schedule)
                    period_shift_id=period.shift_id or None,
                    period_date=period.day,
                    period_part=part,
                    period_tax=period.tax,
                    against_id=period.against or None,
                )
        except IntegrityError:
            continue  # another sale created this part meanwhile: join it (or the next one)
    raise RuntimeError(f"Could not open a summary for {outlet.code} {period.pos_number(1)}")


def joinable(rows: QuerySet[SyncActivity], tax: str) -> QuerySet[SyncActivity]:
    """The parts a sale of tax mode `tax` may join. A sale without PPN has no taxed line, so the
    invoice's tax flags change nothing for it: any part. A taxed sale: a part of its mode, or one
    with untaxed sales only so far (which then takes its mode)."""
    if tax in ("", TaxMode.UNTAXED):
        return rows
    return rows.filter(period_tax__in=[tax, TaxMode.UNTAXED])


def _taking_mode(summary: SyncActivity, tax: str) -> SyncActivity:
    """A part of untaxed sales only takes the mode of the first taxed sale that joins it (locked)."""
    if summary.period_tax == TaxMode.UNTAXED and tax not in ("", TaxMode.UNTAXED):
        summary.period_tax = tax
        SyncActivity.objects.filter(pk=summary.pk).update(period_tax=tax)
    return summary


def _open_locked(rows: QuerySet[SyncActivity]) -> SyncActivity | None:
    return rows.select_for_update().filter(status=Status.PENDING, attempts=0).order_by("-period_part").first()


def orders_summarise(*, outlet: Outlet, order_ids: Iterable[int]) -> None:
    """Put the sales' open `order` rows in their periods' open summaries, when the outlet posts per
    shift or per day. Call it in the transaction that wrote those rows."""
    ids = list(order_ids)
    mode = posting_mode(outlet.pk)
    if mode == Mode.PER_SALE or not ids:
        return
    orders = Order.objects.filter(pk__in=ids, status=Order.Status.COMPLETED).select_related("shift")
    by_period: dict[Period, list[int]] = {}
    for order in orders:
        by_period.setdefault(period_of(order, mode, outlet), []).append(order.pk)
    # Always in the same order, so two requests locking two summaries never wait on each other.
    for period in sorted(by_period):
        summary = summary_open(outlet, period)
        SyncActivity.objects.filter(
            kind=Kind.ORDER, order_id__in=by_period[period], status=Status.PENDING
        ).update(summary=summary, updated_at=timezone.now())


def covering(activity: SyncActivity) -> SyncActivity | None:
    """The summary row covering a sale's row, locked until the transaction ends."""
    if activity.summary_id is None:
        return None
    return SyncActivity.objects.select_for_update().get(pk=activity.summary_id)


def order_resummarise(*, activity: SyncActivity) -> None:
    """A changed sale (PUT) whose summary is still open: it may belong to another period (or tax
    mode) now; its refunds not yet sent follow it."""
    summary = covering(activity)
    if summary is not None and not is_open(summary):
        return  # refused before it gets here (sync.outbox.activity_sending)
    outlet = activity.outlet
    assert outlet is not None
    SyncActivity.objects.filter(pk=activity.pk).update(summary=None)
    orders_summarise(outlet=outlet, order_ids=[activity.order_id or 0])
    now_in = SyncActivity.objects.filter(pk=activity.pk).values_list("summary_id", flat=True).first()
    if now_in != activity.summary_id:
        refunds_follow(outlet=outlet, order_ids=[activity.order_id or 0])
    if summary is not None:
        summary_cancel_if_empty(summary)


def refunds_summarise(*, outlet: Outlet, refund_ids: Iterable[int]) -> None:
    """Put the refunds' open `refund` rows in the open refunds summary of their sales' summaries, for
    the refunds given at that outlet within the summary's period. Call it in the transaction that
    wrote those rows; the others stay returns of their own."""
    refunds = list(Refund.objects.filter(pk__in=list(refund_ids), outlet=outlet))
    if not refunds:
        return
    sale_rows = (
        SyncActivity.objects.filter(kind=Kind.ORDER, order_id__in=[r.order_id for r in refunds])
        .exclude(status=Status.CANCELLED)
        .filter(summary__isnull=False, summary__outlet=outlet)
        .exclude(summary__status=Status.CANCELLED)
        .select_related("summary__period_shift")
    )
    summary_of = {row.order_id: row.summary for row in sale_rows if row.summary is not None}
    by_period: dict[Period, list[int]] = {}
    for refund in refunds:
        summary = summary_of.get(refund.order_id)
        if summary is not None and within(refund, summary, outlet):
            shift = summary.period_shift
            assert summary.period_date is not None
            shift_id, shift_number = (shift.pk, shift.number) if shift else (0, "")
            period = Period(summary.period_date, shift_id, shift_number, summary.pk, summary.pos_number)
            by_period.setdefault(period, []).append(refund.pk)
    for period in sorted(by_period):
        returns = summary_open(outlet, period)
        SyncActivity.objects.filter(
            kind=Kind.REFUND, refund_id__in=by_period[period], status=Status.PENDING
        ).update(summary=returns, updated_at=timezone.now())


def refunds_follow(*, outlet: Outlet, order_ids: Iterable[int]) -> None:
    """Sales not yet sent that changed summary: their refunds not yet sent (Pending, never tried),
    on their own or in a refunds summary still open, leave it and go where `refunds_summarise` puts
    them now: the refunds summary of their sale's new summary when given in its period, else a return
    of their own. A refunds summary left without refunds is cancelled. Call it in the transaction
    that moved the sales."""
    refunds = Refund.objects.filter(order_id__in=list(order_ids)).values("pk")
    rows = list(
        SyncActivity.objects.select_for_update()
        .filter(kind=Kind.REFUND, refund_id__in=refunds, status=Status.PENDING, attempts=0)
        .order_by("pk")
    )
    left = _locked({row.summary_id for row in rows if row.summary_id is not None})
    movable = [row for row in rows if row.summary_id is None or is_open(left[row.summary_id])]
    if not movable:
        return
    SyncActivity.objects.filter(pk__in=[row.pk for row in movable]).update(
        summary=None, updated_at=timezone.now()
    )
    refunds_summarise(outlet=outlet, refund_ids=[row.refund_id or 0 for row in movable])
    for summary in left.values():
        summary_cancel_if_empty(summary)


def _locked(summary_ids: Iterable[int]) -> dict[int, SyncActivity]:
    """These summary rows, locked (in id order) until the transaction ends."""
    rows = SyncActivity.objects.select_for_update().filter(pk__in=list(summary_ids)).order_by("pk")
    return {row.pk: row for row in rows}


def within(refund: Refund, summary: SyncActivity, outlet: Outlet) -> bool:
    """The refund was given in the period of the sales summary: its shift (opened to closed), or the
    outlet's local day."""
    shift = summary.period_shift
    if shift is not None:
        return shift.opened_at <= refund.refunded_at and (
            shift.closed_at is None or refund.refunded_at <= shift.closed_at
        )
    return refund.refunded_at.astimezone(outlet.zone).date() == summary.period_date


def live_covered(summary: SyncActivity) -> QuerySet[SyncActivity]:
    """The rows a summary covers (its sales, or its refunds), those cancelled left out."""
    rows = SyncActivity.objects.filter(summary=summary, kind=MEMBER_KIND[summary.kind])
    return rows.exclude(status=Status.CANCELLED)


# Why an open summary left with nothing to post was cancelled (English, as the engine's reasons).
EMPTIED: dict[str, str] = {
    Kind.ORDER_SUMMARY: "All its sales were voided at the POS before it was synced.",
    # A refund is never voided: its sale changed summary, and the refund followed it.
    Kind.REFUND_SUMMARY: "All its refunds moved with their sales to another summary before it was synced.",
}


def summary_cancel_if_empty(summary: SyncActivity) -> None:
    """An open summary whose sales were all voided (or moved), or whose refunds all moved, has
    nothing to post."""
    if is_open(summary) and not live_covered(summary).exists():
        SyncActivity.objects.filter(pk=summary.pk, status=Status.PENDING, attempts=0).update(
            status=Status.CANCELLED,
            status_reason=EMPTIED[summary.kind],
            completed_at=timezone.now(),
            updated_at=timezone.now(),
        )


def covered_follow(summary_ids: Sequence[int]) -> None:
    """The covered sales' rows take their summaries' state (settled by the engine): Success with the
    summary's invoice number, Failed with its reason, Pending while it retries."""
    for summary in SyncActivity.objects.filter(pk__in=list(summary_ids), kind__in=SUMMARY_KINDS):
        live_covered(summary).update(
            status=Status.PENDING if summary.status == Status.RUNNING else summary.status,
            status_reason=summary.status_reason,
            accurate_id=summary.accurate_id,
            accurate_number=summary.accurate_number,
            completed_at=summary.completed_at,
            failure_cause=summary.failure_cause,
            updated_at=timezone.now(),
        )


def summaries_follow_mode(*, outlet_ids: Iterable[int] | None = None) -> None:
    """Sales not yet posted follow the outlet's posting mode as it is now: held sales of an outlet
    switched to a summary mode join their periods' summaries; open summaries of an outlet switched
    back to one invoice per sale let their sales go on their own. Run by the schedule every minute."""
    mappings = OutletMapping.objects.select_related("outlet__store")
    if outlet_ids is not None:
        mappings = mappings.filter(outlet_id__in=list(outlet_ids))
    for mapping in mappings:
        with transaction.atomic():
            if mapping.posting_mode == Mode.PER_SALE:
                _back_to_per_sale(mapping.outlet)
            else:
                loose = SyncActivity.objects.filter(
                    outlet=mapping.outlet,
                    kind=Kind.ORDER,
                    status=Status.PENDING,
                    attempts=0,
                    due_at__isnull=True,
                    summary__isnull=True,
                )
                order_ids = [pk for pk in loose.values_list("order_id", flat=True) if pk is not None]
                orders_summarise(outlet=mapping.outlet, order_ids=order_ids)
                if order_ids:
                    refunds_follow(outlet=mapping.outlet, order_ids=order_ids)


def _back_to_per_sale(outlet: Outlet) -> None:
    open_summaries = SyncActivity.objects.select_for_update().filter(
        outlet=outlet, kind=Kind.ORDER_SUMMARY, status=Status.PENDING, attempts=0
    )
    for summary in open_summaries:
        sales = live_covered(summary)
        order_ids = [pk for pk in sales.values_list("order_id", flat=True) if pk is not None]
        sales.update(summary=None, updated_at=timezone.now())
        # Their refunds go on their own too, as returns against each sale's own invoice.
        refunds_follow(outlet=outlet, order_ids=order_ids)
        summary_cancel_if_empty(summary)
