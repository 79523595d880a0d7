"""Reads of the reconciliation, always scoped to one store: the page's table and details, and the
differences the owner's digest lists (`reconciliation_differences_since`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from mapping.models import OutletMapping
from outlets.models import Outlet, Store
from sync.reconcile.models import Reconciliation, ReconciliationDifference
from sync.selectors import outlet_of_store

from .figures import ACCURATE_ONLY, Figures

DAYS_SHOWN = 14
NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class DayRow:
    """One outlet's day on the page: its check (None: never checked) and both sides' figures."""

    outlet: Outlet
    day: date
    check: Reconciliation | None
    pos: Figures | None
    accurate: Figures | None

    @property
    def status(self) -> str:
        return self.check.status if self.check is not None else NOT_CHECKED

    @property
    def shows_figures(self) -> bool:
        return self.pos is not None and self.accurate is not None


def figures_of(check: Reconciliation | None) -> tuple[Figures | None, Figures | None]:
    """Both sides of a finished check (a failed one, or one never run, has none)."""
    if check is None or not check.pos_figures or not check.accurate_figures:
        return None, None
    return Figures.of_json(check.pos_figures), Figures.of_json(check.accurate_figures)


def outlets_shown(store: Store, first: date, last: date) -> list[Outlet]:
    """The outlets active in Accurate, and any other with a check in the period (deactivated since)."""
    active = OutletMapping.objects.filter(outlet__store=store, active=True).values("outlet_id")
    checked = Reconciliation.objects.filter(store=store, day__range=(first, last)).values("outlet_id")
    return list(
        Outlet.objects.filter(store=store)
        .filter(Q(pk__in=active) | Q(pk__in=checked))
        .select_related("store")
        .order_by("code")
    )


def reconciliation_table(store: Store, *, last: date, days: int = DAYS_SHOWN) -> list[DayRow]:
    """Outlet × day for `days` days up to `last`, newest day first (two queries and the outlets')."""
    first = last - timedelta(days=days - 1)
    checks = {
        (check.outlet_id, check.day): check
        for check in Reconciliation.objects.filter(store=store, day__range=(first, last))
    }
    rows = []
    outlets = outlets_shown(store, first, last)
    for back in range(days):
        day = last - timedelta(days=back)
        for outlet in outlets:
            check = checks.get((outlet.pk, day))
            rows.append(DayRow(outlet, day, check, *figures_of(check)))
    return rows


def reconciliation_day(store: Store, outlet_id: int, day: date) -> DayRow:
    """One outlet's day; Http404 for another store's outlet."""
    outlet = outlet_of_store(store, outlet_id)
    check = Reconciliation.objects.filter(store=store, outlet=outlet, day=day).first()
    return DayRow(outlet, day, check, *figures_of(check))


def differences_of(check: Reconciliation) -> list[ReconciliationDifference]:
    return list(
        ReconciliationDifference.objects.filter(reconciliation=check)
        .select_related("activity")
        .order_by("position")
    )


def reconciliation_differences_since(
    store: Store, since: datetime, until: datetime | None = None
) -> list[ReconciliationDifference]:
    """For the owner's digest: the differences of the store's checks that ended at or after `since`
    (and before `until`; documents "in Accurate only" left out), oldest day first, with their check
    and outlet."""
    ended = Q(reconciliation__checked_at__gte=since)
    if until is not None:
        ended &= Q(reconciliation__checked_at__lt=until)
    return list(
        ReconciliationDifference.objects.filter(
            ended, reconciliation__store=store, reconciliation__status=Reconciliation.Status.DIFFERENCES
        )
        .exclude(kind=ACCURATE_ONLY)
        .select_related("reconciliation__outlet", "activity")
        .order_by("reconciliation__day", "reconciliation__outlet__code", "position")
    )


@dataclass(frozen=True)
class FigureLine:
    """A line of the side-by-side figures: `money` amounts are rupiah, the others counts or quantities."""

    label: str
    pos: Decimal | int
    accurate: Decimal | int
    money: bool = False
    item: str = ""

    @property
    def differs(self) -> bool:
        return self.pos != self.accurate
