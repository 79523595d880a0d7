"""The shape of every document the POS posts. Parsing only: business rules live in services.

Every optional field has a default, so the validated body is complete and two posts of one
document normalise to the same thing whether or not the POS sent the defaults.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from rest_framework import serializers

from outlets.models import Deposit, Order, PaymentMethod, Product

from .fields import (
    AwareDateTimeField,
    Sign,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDecimalField,
    StrictRegexField,
)

NUMBER_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
NUMBER_HELP = "The POS number: letters, digits and . _ / -, at most 64, unique per outlet."
ZERO = Decimal("0")


def number_field(**kwargs: Any) -> serializers.RegexField:
    return StrictRegexField(
        NUMBER_REGEX,
        help_text=NUMBER_HELP,
        error_messages={"invalid": NUMBER_HELP},
        **kwargs,
    )


def money(sign: Sign = Sign.ANY, **kwargs: Any) -> serializers.DecimalField:
    return StrictDecimalField(max_digits=18, decimal_places=2, sign=sign, **kwargs)


def quantity(sign: Sign, **kwargs: Any) -> serializers.DecimalField:
    return StrictDecimalField(max_digits=14, decimal_places=3, sign=sign, **kwargs)


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("default", "")
    return StrictCharField(max_length=max_length, allow_blank=True, **kwargs)


def required_text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return StrictCharField(max_length=max_length, **kwargs)


def many(
    child: serializers.Serializer, limit: int, message: str, min_length: int | None = None, **kwargs: Any
) -> serializers.ListSerializer:
    """A list of at most `limit` items, refused before any item is read.

    The validators repeat the bounds for drf-spectacular, which reads maxItems/minItems from them.
    """
    validators: list[Any] = [MaxLengthValidator(limit, message)]
    if min_length is not None:
        validators.append(MinLengthValidator(min_length))
        kwargs.setdefault("allow_empty", min_length == 0)
    return serializers.ListSerializer(
        child=child,
        max_length=limit,
        min_length=min_length,
        error_messages={"max_length": message},
        validators=validators,
        **kwargs,
    )


def document_lines(child: serializers.Serializer) -> serializers.ListSerializer:
    """The lines of a refund, transfer, adjustment or stock take: 1 to API_MAX_DOCUMENT_LINES."""
    limit = settings.API_MAX_DOCUMENT_LINES
    return many(child, limit, f"At most {limit:,} lines per document.", min_length=1)


class OrderLineSerializer(serializers.Serializer):
    product = required_text(64, help_text="The product's POS id.")
    quantity = quantity(
        Sign.POSITIVE, sign_message="Quantity (post returned goods as a refund) must be more than 0."
    )
    unit_price = money(Sign.NOT_NEGATIVE)
    discount = money(Sign.NOT_NEGATIVE, default=ZERO, help_text="Line discount, as an amount.")
    note = text(255)


class PaymentSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = money(Sign.POSITIVE, sign_message="A payment's amount must be more than 0.")
    reference = text(100)


class CustomerSerializer(serializers.Serializer):
    code = text(64)
    name = text(200)
    phone = text(40)
    email = text(254)


class OrderSerializer(serializers.Serializer):
    number = number_field()
    status = serializers.ChoiceField(choices=Order.Status.choices, default=Order.Status.COMPLETED)
    ordered_at = AwareDateTimeField()
    shift = required_text(
        max_length=64, allow_null=True, default=None, help_text="The POS number of its shift."
    )
    customer = CustomerSerializer(allow_null=True, default=None)
    tax_inclusive = StrictBooleanField(default=False)
    order_discount = money(Sign.NOT_NEGATIVE, default=ZERO)
    tax = money(Sign.NOT_NEGATIVE, default=ZERO)
    service_charge = money(Sign.NOT_NEGATIVE, default=ZERO)
    rounding = money(default=ZERO)
    total = money(Sign.NOT_NEGATIVE)
    note = text(500)
    lines = many(
        OrderLineSerializer(),
        settings.API_MAX_ORDER_LINES,
        f"At most {settings.API_MAX_ORDER_LINES:,} lines per order.",
        min_length=1,
    )
    payments = many(
        PaymentSerializer(),
        settings.API_MAX_ORDER_PAYMENTS,
        f"At most {settings.API_MAX_ORDER_PAYMENTS:,} payments per order.",
        default=list,
    )


class OrderBatchSerializer(serializers.Serializer):
    """Up to 500 orders in one request. Each is checked on its own, so one bad order fails alone:
    an item that is not a valid order (see OrderRequest) is answered `invalid` in its result, and
    the others are stored."""

    orders = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=settings.API_BATCH_MAX_ORDERS,
        help_text=f"1 to {settings.API_BATCH_MAX_ORDERS} orders, each an OrderRequest. Each is "
        "checked on its own: one that is not valid is reported `invalid` in `results`, the rest are stored.",
    )


class VoidSerializer(serializers.Serializer):
    voided_at = AwareDateTimeField()


class ShiftOpenSerializer(serializers.Serializer):
    number = number_field()
    cashier = required_text(100)
    opened_at = AwareDateTimeField()
    opening_float = money(Sign.NOT_NEGATIVE, default=ZERO)


class ShiftCloseSerializer(serializers.Serializer):
    closed_at = AwareDateTimeField()
    closing_cash = money(Sign.NOT_NEGATIVE, allow_null=True, default=None)


class RefundLineSerializer(serializers.Serializer):
    product = required_text(64)
    quantity = quantity(Sign.POSITIVE, sign_message="Quantity must be more than 0.")
    unit_price = money(Sign.NOT_NEGATIVE)


class RefundSerializer(serializers.Serializer):
    number = number_field()
    order = required_text(64, help_text="The POS number of the refunded order.")
    refunded_at = AwareDateTimeField()
    reason = text(255)
    refund_method = serializers.ChoiceField(choices=PaymentMethod.choices, default="cash")
    total = money(Sign.NOT_NEGATIVE)
    lines = document_lines(RefundLineSerializer())


class TransferLineSerializer(serializers.Serializer):
    product = required_text(64)
    quantity = quantity(Sign.POSITIVE, sign_message="Quantity must be more than 0.")


class TransferSerializer(serializers.Serializer):
    number = number_field()
    to_outlet = required_text(20, help_text="Code of the receiving outlet.")
    sent_at = AwareDateTimeField()
    received_at = AwareDateTimeField(allow_null=True, default=None)
    note = text(500)
    lines = document_lines(TransferLineSerializer())


class ReceiveSerializer(serializers.Serializer):
    received_at = AwareDateTimeField()


class AdjustmentLineSerializer(serializers.Serializer):
    product = required_text(64)
    quantity = quantity(
        Sign.NOT_ZERO,
        sign_message="Quantity must not be 0: + for stock in, − for out.",
        help_text="Positive: stock in. Negative: stock out.",
    )
    unit_cost = money(Sign.NOT_NEGATIVE, default=ZERO)
    note = text(255)


class AdjustmentSerializer(serializers.Serializer):
    number = number_field()
    adjusted_at = AwareDateTimeField()
    reason = required_text(255)
    lines = document_lines(AdjustmentLineSerializer())


class StockTakeLineSerializer(serializers.Serializer):
    product = required_text(64)
    counted_quantity = quantity(Sign.NOT_NEGATIVE)


class StockTakeSerializer(serializers.Serializer):
    number = number_field()
    counted_at = AwareDateTimeField()
    note = text(500)
    lines = document_lines(StockTakeLineSerializer())


class DepositSerializer(serializers.Serializer):
    number = number_field()
    kind = serializers.ChoiceField(choices=Deposit.Kind.choices)
    received_at = AwareDateTimeField()
    amount = money(Sign.POSITIVE, sign_message="The amount must be more than 0.")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    customer_name = text(200)
    note = text(500)


class PayoutSerializer(serializers.Serializer):
    number = number_field()
    paid_at = AwareDateTimeField(help_text="When the money reached the outlet's bank.")
    gross = money(
        Sign.POSITIVE,
        sign_message="The gross amount must be more than 0.",
        help_text="What iSellerPay collected for the payments this payout covers.",
    )
    fee = money(Sign.NOT_NEGATIVE, help_text="The MDR fee iSellerPay kept.")
    net = money(
        Sign.POSITIVE,
        sign_message="The net amount must be more than 0.",
        help_text="What reached the bank: gross − fee.",
    )
    period_start = StrictDateField(
        allow_null=True, default=None, help_text="First day of the payments it covers."
    )
    period_end = StrictDateField(allow_null=True, default=None, help_text="Last day of the payments.")
    reference = text(100, help_text="The bank transfer's reference.")
    note = text(500)


class StockEntrySerializer(serializers.Serializer):
    outlet = required_text(20)
    quantity = quantity(Sign.ANY, help_text="Stock on hand at the outlet; may be negative.")
    unit_cost = money(Sign.NOT_NEGATIVE, default=ZERO)


class ProductSerializer(serializers.Serializer):
    pos_id = required_text(64)
    sku = text(64)
    name = required_text(255)
    barcode = text(64)
    unit = required_text(20, default="PCS")
    price = money(Sign.NOT_NEGATIVE)
    cost = money(Sign.NOT_NEGATIVE, default=ZERO)
    item_type = serializers.ChoiceField(choices=Product.ItemType.choices, default=Product.ItemType.INVENTORY)
    category = text(100)
    taxable = StrictBooleanField(default=True, help_text="PPN applies to its sales.")
    has_serial_number = StrictBooleanField(default=False)
    active = StrictBooleanField(default=True)
    stock = many(
        StockEntrySerializer(),
        settings.API_MAX_DOCUMENT_LINES,
        f"At most {settings.API_MAX_DOCUMENT_LINES:,} stock entries per product.",
        default=list,
    )


class ProductUpsertSerializer(serializers.Serializer):
    products = many(
        ProductSerializer(),
        settings.API_BATCH_MAX_PRODUCTS,
        f"At most {settings.API_BATCH_MAX_PRODUCTS:,} products per request.",
        min_length=1,
    )


class OutletSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
