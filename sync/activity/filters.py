"""The activity page's filters (django-filter), read from the URL so a filtered view is bookmarkable.

Dates are whole days on the store's clock: "start" keeps syncs that started on or after the start
of that day, "end" those that completed before the next day began.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outlets.models import Outlet, Store
from sync.models import SyncActivity

from .labels import KIND_LABELS

Status = SyncActivity.Status

# What the merchant filters by: Running is still Pending to them.
STATUS_CHOICES = [
    ("success", _("Success")),
    ("difference", _("Synced with a difference")),
    ("failed", _("Failed")),
    ("pending", _("Pending")),
]
STATUSES_OF = {
    "success": [Status.SUCCESS],
    "difference": [Status.DIFFERENCE],
    "failed": [Status.FAILED],
    "pending": [Status.PENDING, Status.RUNNING],
}
SEARCH_MAX = 50


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of `day` on the clock of `zone`."""
    return datetime.combine(day, time.min, tzinfo=zone)


class ActivityFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="by_status")
    outlet = django_filters.ModelChoiceFilter(label=_("Outlet"), queryset=Outlet.objects.none())
    start = django_filters.DateFilter(
        label=_("Start date"),
        method="by_start",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Syncs that started on or after this day."),
    )
    end = django_filters.DateFilter(
        label=_("End date"),
        method="by_end",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Syncs completed on or before this day."),
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=list(KIND_LABELS.items()))
    q = django_filters.CharFilter(
        label=_("POS or Accurate number"),
        method="by_number",
        max_length=SEARCH_MAX,
        help_text=_("The whole number or its beginning."),
    )

    class Meta:
        model = SyncActivity
        fields = ["status", "outlet", "start", "end", "kind", "q"]

    def __init__(self, data: Any = None, *, queryset: QuerySet[SyncActivity], store: Store) -> None:
        super().__init__(data, queryset=queryset)
        self.store = store
        self.zone = ZoneInfo(store.time_zone)
        # Only the store's own outlets can be chosen: another store's id is an invalid choice.
        self.filters["outlet"].queryset = Outlet.objects.filter(store=store).order_by("code")
        self.filters["outlet"].field.label_from_instance = lambda o: f"{o.code} · {o.name}"

    def by_status(self, queryset: QuerySet[SyncActivity], name: str, value: str) -> QuerySet[SyncActivity]:
        statuses = STATUSES_OF[value]
        if len(statuses) == 1:
            return queryset.filter(status=statuses[0])
        # Written as the partial indexes' own condition (status IN pending, running).
        return queryset.filter(status__in=statuses)

    def by_start(self, queryset: QuerySet[SyncActivity], name: str, value: date) -> QuerySet[SyncActivity]:
        return queryset.filter(started_at__gte=day_start(value, self.zone))

    def by_end(self, queryset: QuerySet[SyncActivity], name: str, value: date) -> QuerySet[SyncActivity]:
        before = day_start(value + timedelta(days=1), self.zone)
        # A row completes after it was created, so created_at bounds it too: that bound is what
        # lets the newest-first index start at the right place instead of skipping newer rows.
        return queryset.filter(completed_at__lt=before, created_at__lt=before)

    def by_number(self, queryset: QuerySet[SyncActivity], name: str, value: str) -> QuerySet[SyncActivity]:
        value = value.strip()
        if not value:
            return queryset
        # "Not empty" is the partial index's own condition, so each side of the OR has its index.
        by_accurate = Q(accurate_number__startswith=value) & ~Q(accurate_number="")
        return queryset.filter(Q(pos_number__startswith=value) | by_accurate)
