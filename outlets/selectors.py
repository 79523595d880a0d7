"""Reads, always scoped to one store: nothing here can return another store's rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum

from outlets.models import (
    Adjustment,
    ApiKey,
    Deposit,
    Membership,
    Order,
    Outlet,
    Payment,
    PaymentMethod,
    Payout,
    Product,
    Refund,
    Shift,
    StockTake,
    Store,
    Transfer,
)


def membership_for_user(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("store").filter(user_id=user.pk).first()


def outlets_for_store(store: Store) -> QuerySet[Outlet]:
    return Outlet.objects.filter(store=store).select_related("store")


@dataclass(frozen=True)
class OutletSales:
    orders: int
    sales: Decimal


def sales_by_outlet(store: Store) -> dict[int, OutletSales]:
    """Per outlet id of the store: how many orders it has, and the total of the completed ones.

    Outlets without orders are absent; callers treat them as zero.
    """
    rows = (
        Order.objects.filter(outlet__store=store)
        .values("outlet_id")
        .annotate(
            orders=Count("id"),
            sales=Sum("total", filter=Q(status=Order.Status.COMPLETED), default=Decimal(0)),
        )
        .order_by()
    )
    return {row["outlet_id"]: OutletSales(row["orders"], row["sales"]) for row in rows}


def products_for_store(store: Store) -> QuerySet[Product]:
    return Product.objects.filter(store=store)


def api_keys_for_store(store: Store) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(store=store).select_related("created_by")


def shifts_for_outlet(outlet: Outlet) -> QuerySet[Shift]:
    return Shift.objects.filter(outlet=outlet)


def orders_for_outlet(outlet: Outlet) -> QuerySet[Order]:
    return Order.objects.filter(outlet=outlet)


def refunds_for_outlet(outlet: Outlet) -> QuerySet[Refund]:
    return Refund.objects.filter(outlet=outlet).select_related("order")


def transfers_for_outlet(outlet: Outlet) -> QuerySet[Transfer]:
    return Transfer.objects.filter(outlet=outlet).select_related("to_outlet")


def adjustments_for_outlet(outlet: Outlet) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(outlet=outlet)


def stock_takes_for_outlet(outlet: Outlet) -> QuerySet[StockTake]:
    return StockTake.objects.filter(outlet=outlet)


def deposits_for_outlet(outlet: Outlet) -> QuerySet[Deposit]:
    return Deposit.objects.filter(outlet=outlet)


def payouts_for_outlet(outlet: Outlet) -> QuerySet[Payout]:
    return Payout.objects.filter(outlet=outlet)


def payment_methods_used(store: Store) -> list[str]:
    """The payment methods the store's orders were paid with, plus cash (every outlet takes cash).

    In the order of `PaymentMethod`, so pages list them the same way every time.
    """
    seen = set(Payment.objects.filter(order__outlet__store=store).values_list("method", flat=True).distinct())
    seen.add(PaymentMethod.CASH)
    return [method for method in PaymentMethod.values if method in seen]
