"""Which outbox rows a range of days covers, read for one store only.

A row is in the range when its POS document happened (`sync.outbox.HAPPENED_AT`: the sale rung up,
the refund given, the transfer sent or received…) on one of the days from `start` to `end`
inclusive, on the clock of the row's outlet: a Bali outlet's day starts an hour before Jakarta's.
A sales (refunds) summary is in the range when its period's day is — a shift's: the day of its first
sale —, and the sales (refunds) it covers are its: they are not rows of the range on their own.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outlets.models import Outlet, Store
from sync.mappers.types import CUSTOMER
from sync.models import AccurateBinding, SyncActivity
from sync.outbox import HAPPENED_AT, SOURCE_FIELD
from sync.summaries import SUMMARY_KINDS

Kind = SyncActivity.Kind
Status = SyncActivity.Status

# What the owner ticks, and the outbox kinds each one covers. A void is part of its sale.
GROUPS: dict[str, tuple[str, ...]] = {
    "sales": (Kind.ORDER, Kind.ORDER_VOID, Kind.ORDER_SUMMARY),
    "refunds": (Kind.REFUND, Kind.REFUND_SUMMARY),
    "transfers": (Kind.TRANSFER_OUT, Kind.TRANSFER_IN),
    "adjustments": (Kind.ADJUSTMENT,),
    "stock_takes": (Kind.STOCK_TAKE,),
    "deposits": (Kind.DEPOSIT,),
    "payouts": (Kind.PAYOUT,),
}
GROUP_LABELS = {
    "sales": _("Sales"),
    "refunds": _("Refunds"),
    "transfers": _("Transfers"),
    "adjustments": _("Stock adjustments"),
    "stock_takes": _("Stock takes"),
    "deposits": _("Deposits"),
    "payouts": _("iSellerPay payouts"),
}
GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
MAX_DAYS = 93  # about a quarter: more at once is a migration, not a correction

# A row whose documents another row's documents refer to in Accurate: those go first, and while
# they are there, this one's stay (Accurate refuses to delete an invoice a return names). Per kind:
# each dependent kind, the dependent's field (a lookup) that names the row, and the row's own value.
DEPENDENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    Kind.ORDER: ((Kind.REFUND, "refund__order_id", "order_id"),),
    Kind.TRANSFER_OUT: ((Kind.TRANSFER_IN, "transfer_id", "transfer_id"),),
    # A sales summary's invoice: its refunds summaries' returns, the returns of refunds of its sales
    # given later, and the returns of its sales voided after it was sent all name it.
    Kind.ORDER_SUMMARY: (
        (Kind.REFUND_SUMMARY, "against_id", "pk"),
        (Kind.REFUND, "refund__order__syncactivity__summary_id", "pk"),
        (Kind.ORDER_VOID, "order__syncactivity__summary_id", "pk"),
    ),
}
DEPENDENT_KINDS = frozenset(kind for links in DEPENDENTS.values() for kind, _link, _own in links)


@dataclass(frozen=True)
class DateRange:
    """What the owner chose: one outlet of the store (None: every outlet), days, kinds (GROUPS keys)."""

    store: Store
    outlet: Outlet | None
    start: date
    end: date
    groups: tuple[str, ...]

    @property
    def kinds(self) -> list[str]:
        return [kind for group in self.groups for kind in GROUPS[group]]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def outlets(self) -> list[Outlet]:
        if self.outlet is not None:
            return [self.outlet]
        return list(Outlet.objects.filter(store=self.store).select_related("store"))


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def happened_between(kind: str, since: datetime, before: datetime) -> Q:
    """The row's document happened in [since, before): its first time that is set, as `HAPPENED_AT`
    reads it (a transfer not received yet counts from when it was sent)."""
    source = SOURCE_FIELD[kind]
    clauses = []
    unset = Q()
    for name in HAPPENED_AT[kind]:
        field = f"{source}__{name}"
        clauses.append(unset & Q(**{f"{field}__gte": since, f"{field}__lt": before}))
        unset &= Q(**{f"{field}__isnull": True})
    return Q(kind=kind) & reduce(operator.or_, clauses)


def range_rows(chosen: DateRange) -> QuerySet[SyncActivity]:
    """The store's rows of the chosen kinds whose documents happened in the range."""
    by_zone: dict[str, list[int]] = {}
    for outlet in chosen.outlets():
        by_zone.setdefault(outlet.zone.key, []).append(outlet.pk)
    clauses = []
    summaries = [kind for kind in chosen.kinds if kind in SUMMARY_KINDS]
    for key, outlet_ids in by_zone.items():
        zone = ZoneInfo(key)
        since = day_start(chosen.start, zone)
        before = day_start(chosen.end + timedelta(days=1), zone)
        kinds = [happened_between(kind, since, before) for kind in chosen.kinds if kind not in SUMMARY_KINDS]
        if summaries:
            # A summary's period is a local day already (a shift's: the day of its first sale).
            kinds.append(Q(kind__in=summaries, period_date__gte=chosen.start, period_date__lte=chosen.end))
        clauses.append(Q(outlet_id__in=outlet_ids) & reduce(operator.or_, kinds))
    rows = SyncActivity.objects.filter(store=chosen.store)
    if not clauses:
        return rows.none()
    # A sale (refund) in a summary goes, and is undone, with its summary.
    return rows.filter(reduce(operator.or_, clauses)).filter(summary__isnull=True)


def bindings_of_rows(database_id: int) -> QuerySet[AccurateBinding]:
    """The documents in the connection's database that rows own, customers aside (a customer is the
    store's, shared by its sales: an undo never deletes one)."""
    return AccurateBinding.objects.filter(database_id=database_id).exclude(module=CUSTOMER)


def in_accurate(database_id: int) -> Exists:
    """The row owns at least one document in the database (a subquery on the row's id)."""
    return Exists(bindings_of_rows(database_id).filter(activity_id=OuterRef("pk")))


def dependent_in_accurate(kind: str, database_id: int, *, besides: QuerySet[SyncActivity] | None = None) -> Q:
    """Rows of `kind` one of whose dependents (a refund of the sale, the transfer received of the
    transfer sent) has documents in Accurate, leaving out the dependents among `besides`."""
    any_there = Q(pk__in=[])
    for dependent_kind, link, own in DEPENDENTS.get(kind, ()):
        dependents = SyncActivity.objects.filter(in_accurate(database_id), kind=dependent_kind)
        dependents = dependents.filter(**{link: OuterRef(own)})
        if besides is not None:
            dependents = dependents.exclude(pk__in=besides.values("pk"))
        any_there |= Q(Exists(dependents))
    return Q(kind=kind) & any_there
