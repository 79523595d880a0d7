"""Orders: accept them one by one or in batches, change them before they sync, void them.

A batch is checked with a fixed number of queries whatever its size (existing numbers, products and
shifts are each read once) and stored with one bulk insert per table, its outbox rows included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.db import IntegrityError, transaction

from iseller_accurate.db import insert_rows
from outlets.models import Order, OrderLine, Outlet, Payment, Product, Shift
from sync.outbox import (
    Kind,
    activities_record,
    activity_cancel,
    activity_has_succeeded,
    activity_open_for_update,
    activity_record,
    activity_requeue,
    activity_sealed,
    activity_sending,
)

from .errors import DocumentConflict, DocumentInvalid, DocumentNotFound
from .money import line_amount, order_subtotal, order_totals_errors
from .payloads import normalise, payload_diff, payload_hash

Outcome = Literal["created", "replayed", "conflict", "invalid"]
OrderData = Mapping[str, Any]


@dataclass
class OrderResult:
    index: int
    number: str
    outcome: Outcome
    order: Order | None = None
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    fields: list[str] = field(default_factory=list)


@dataclass
class _Lookups:
    products: dict[str, int]
    shifts: dict[str, int]


@dataclass
class _Pending:
    index: int
    data: OrderData
    payload: dict[str, Any]
    digest: str
    order: Order | None = None


def orders_ingest(*, outlet: Outlet, items: Sequence[tuple[int, OrderData]]) -> list[OrderResult]:
    """Store new orders, recognise replays, report conflicts and invalid orders, one result each.

    `items` are (index in the request, validated order data). Good orders are stored even when
    others in the same batch are bad; each stored order gets its Pending outbox row (a void order
    has nothing to post, so it gets none).
    """
    pending = [_pending(index, data) for index, data in items]
    existing = {
        o.number: o
        for o in Order.objects.filter(outlet=outlet, number__in=[p.data["number"] for p in pending])
    }
    lookups = _lookups(outlet, [p.data for p in pending])
    results: dict[int, OrderResult] = {}
    seen: dict[str, _Pending] = {}
    to_create: list[_Pending] = []
    for item in pending:
        number = item.data["number"]
        earlier = existing.get(number)
        if earlier is not None:
            results[item.index] = _replay_or_conflict(item, earlier.payload, earlier, outlet)
        elif number in seen:
            results[item.index] = _replay_or_conflict(item, seen[number].payload, None, outlet)
        elif errors := order_errors(item.data, lookups, outlet):
            results[item.index] = _invalid(item, errors)
        else:
            seen[number] = item
            item.order = _build_order(outlet, item, lookups)
            to_create.append(item)
    try:
        with transaction.atomic():
            _insert(outlet, to_create, lookups)
    except IntegrityError:
        # Another request stored one of these numbers meanwhile: settle them one at a time.
        for item in to_create:
            item.order = _build_order(outlet, item, lookups)
            results[item.index] = _insert_one(outlet, item, lookups)
    else:
        for item in to_create:
            results[item.index] = OrderResult(item.index, item.data["number"], "created", order=item.order)
    for item in pending:
        result = results[item.index]
        if result.outcome == "replayed" and result.order is None:
            result.order = seen[item.data["number"]].order
    return [results[index] for index, _ in items]


def order_errors(data: OrderData, lookups: _Lookups, outlet: Outlet) -> dict[str, str]:
    errors: dict[str, str] = {}
    for index, line in enumerate(data["lines"]):
        if line["product"] not in lookups.products:
            errors[f"lines[{index}].product"] = (
                f"Unknown product '{line['product']}' in this store: post it to "
                "/api/v1/products/ before the order."
            )
    if data["shift"] and data["shift"] not in lookups.shifts:
        errors["shift"] = (
            f"Unknown shift '{data['shift']}' at outlet '{outlet.code}': open it first "
            f"(POST /api/v1/outlets/{outlet.code}/shifts/)."
        )
    errors.update(order_totals_errors(data))
    return errors


def order_replace(*, outlet: Outlet, number: str, data: OrderData) -> OrderResult:
    """Replace an order the POS changed. Allowed until it is in Accurate; its outbox row follows."""
    item = _pending(0, data)
    if data["number"] != number:
        raise DocumentInvalid({"number": f"The body's number must be '{number}', as in the URL."})
    with transaction.atomic():
        order = _order_for_update(outlet, number)
        if order.payload_hash == item.digest:
            return OrderResult(0, number, "replayed", order=order)
        if order.status == Order.Status.VOID:
            raise DocumentConflict(f"Order '{number}' is void and cannot change.")
        if data["status"] == Order.Status.VOID:
            raise DocumentConflict("Void an order with POST …/void/, not by changing it.", fields=["status"])
        _refuse_if_synced_or_running(order)
        lookups = _lookups(outlet, [data])
        if errors := order_errors(data, lookups, outlet):
            raise DocumentInvalid(errors, "The changed order is not valid; nothing was changed.")
        fresh = _build_order(outlet, item, lookups)
        fresh.pk, fresh.created_at, fresh.version = order.pk, order.created_at, order.version + 1
        fresh._state.adding = False
        fresh.save()
        OrderLine.objects.filter(order=order).delete()
        Payment.objects.filter(order=order).delete()
        _insert_children([item], lookups, orders=[fresh])
        activity = activity_open_for_update(kind=Kind.ORDER, document=order)
        if activity is None:
            activity_record(kind=Kind.ORDER, outlet=outlet, document=fresh, number=number)
        else:
            activity_requeue(activity=activity, reason=f"The order changed (version {fresh.version}).")
        return OrderResult(0, number, "created", order=fresh)


def order_void(*, outlet: Outlet, number: str, voided_at: datetime) -> tuple[Order, bool]:
    """Void an order. Returns (order, changed). Nothing stale is left to post.

    Not synced yet: its Pending/Failed row is cancelled. Already in Accurate: an `order_void` row asks
    the sync engine to take the invoice back out.
    """
    with transaction.atomic():
        order = _order_for_update(outlet, number)
        if order.status == Order.Status.VOID:
            return order, False
        if order.refunds.exists():
            raise DocumentConflict(
                f"Order '{number}' has refunds; it cannot be voided. Refund the rest instead."
            )
        activity = activity_open_for_update(kind=Kind.ORDER, document=order)
        if activity is not None and activity_sending(activity):
            raise DocumentConflict(
                f"Order '{number}' is being sent to Accurate right now; void it again in a minute."
            )
        # A sale in a summary already tried is taken out by a return once the summary landed.
        if activity is not None and not activity_sealed(activity):
            activity_cancel(activity=activity, reason="Voided at the POS before it was synced.")
        elif activity is not None or activity_has_succeeded(kind=Kind.ORDER, document=order):
            activity_record(kind=Kind.ORDER_VOID, outlet=outlet, document=order, number=number)
        order.status = Order.Status.VOID
        order.voided_at = voided_at
        order.version += 1
        order.save(update_fields=["status", "voided_at", "version", "updated_at"])
        return order, True


def _refuse_if_synced_or_running(order: Order) -> None:
    synced = activity_has_succeeded(kind=Kind.ORDER, document=order)
    if synced is not None:
        raise DocumentConflict(
            f"Order '{order.number}' is already in Accurate as invoice "
            f"'{synced.accurate_number}'; post a refund instead of changing it."
        )
    activity = activity_open_for_update(kind=Kind.ORDER, document=order)
    if activity is not None and (activity_sending(activity) or activity_sealed(activity)):
        raise DocumentConflict(
            f"Order '{order.number}' is being sent to Accurate right now; retry in a minute."
        )


def _order_for_update(outlet: Outlet, number: str) -> Order:
    order = Order.objects.select_for_update().filter(outlet=outlet, number=number).first()
    if order is None:
        raise DocumentNotFound(f"No order '{number}' at outlet '{outlet.code}'.")
    return order


def _pending(index: int, data: OrderData) -> _Pending:
    payload = normalise(data)
    return _Pending(index=index, data=data, payload=payload, digest=payload_hash(payload))


def _lookups(outlet: Outlet, orders: Sequence[OrderData]) -> _Lookups:
    pos_ids = {line["product"] for data in orders for line in data["lines"]}
    shift_numbers = {data["shift"] for data in orders if data["shift"]}
    products = Product.objects.filter(store_id=outlet.store_id, pos_id__in=pos_ids)
    shifts = Shift.objects.filter(outlet=outlet, number__in=shift_numbers)
    return _Lookups(
        products=dict(products.values_list("pos_id", "id")),
        shifts=dict(shifts.values_list("number", "id")) if shift_numbers else {},
    )


def _replay_or_conflict(
    item: _Pending, stored_payload: dict[str, Any], stored: Order | None, outlet: Outlet
) -> OrderResult:
    number = item.data["number"]
    fields = payload_diff(stored_payload, item.payload)
    if not fields:
        return OrderResult(item.index, number, "replayed", order=stored)
    return OrderResult(
        item.index,
        number,
        "conflict",
        message=f"Order '{number}' at outlet '{outlet.code}' already exists with a different "
        f"body (different: {', '.join(fields)}). To change it before it syncs, use PUT "
        f"/api/v1/outlets/{outlet.code}/orders/{number}/.",
        fields=fields,
    )


def _invalid(item: _Pending, errors: dict[str, str]) -> OrderResult:
    return OrderResult(
        item.index, item.data["number"], "invalid", errors=errors, message="The order is not valid."
    )


def _build_order(outlet: Outlet, item: _Pending, lookups: _Lookups) -> Order:
    data = item.data
    customer = data["customer"] or {}
    return Order(
        outlet=outlet,
        number=data["number"],
        payload=item.payload,
        payload_hash=item.digest,
        shift_id=lookups.shifts.get(data["shift"]) if data["shift"] else None,
        status=data["status"],
        ordered_at=data["ordered_at"],
        voided_at=data["ordered_at"] if data["status"] == Order.Status.VOID else None,
        customer_code=customer.get("code", ""),
        customer_name=customer.get("name", ""),
        customer_phone=customer.get("phone", ""),
        customer_email=customer.get("email", ""),
        subtotal=order_subtotal(data["lines"]),
        order_discount=data["order_discount"],
        tax=data["tax"],
        tax_inclusive=data["tax_inclusive"],
        service_charge=data["service_charge"],
        rounding=data["rounding"],
        total=data["total"],
        note=data["note"],
    )


def _insert(outlet: Outlet, items: list[_Pending], lookups: _Lookups) -> None:
    if not items:
        return
    orders = Order.objects.bulk_create([item.order for item in items if item.order is not None])
    _insert_children(items, lookups, orders=orders)
    completed = [(order.pk, order.number) for order in orders if order.status == Order.Status.COMPLETED]
    activities_record(kind=Kind.ORDER, outlet=outlet, sources=completed)


def _insert_children(items: Sequence[_Pending], lookups: _Lookups, *, orders: list[Order]) -> None:
    lines: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    for item, order in zip(items, orders, strict=True):
        for position, line in enumerate(item.data["lines"], start=1):
            amount = line_amount(
                quantity=line["quantity"], unit_price=line["unit_price"], discount=line["discount"]
            )
            lines.append(
                {
                    "order_id": order.pk,
                    "position": position,
                    "product_id": lookups.products[line["product"]],
                    "quantity": line["quantity"],
                    "unit_price": line["unit_price"],
                    "discount": line["discount"],
                    "amount": amount,
                    "note": line["note"],
                }
            )
        payments.extend(
            {"order_id": order.pk, "position": position, **payment}
            for position, payment in enumerate(item.data["payments"], start=1)
        )
    insert_rows(OrderLine, lines)
    insert_rows(Payment, payments)


def _insert_one(outlet: Outlet, item: _Pending, lookups: _Lookups) -> OrderResult:
    try:
        with transaction.atomic():
            _insert(outlet, [item], lookups)
    except IntegrityError:
        stored = Order.objects.get(outlet=outlet, number=item.data["number"])
        return _replay_or_conflict(item, stored.payload, stored, outlet)
    return OrderResult(item.index, item.data["number"], "created", order=item.order)
