"""The shape of every document the POS posts. Parsing only: business rules live in services.

Every optional field has a default, so the validated body is complete and two posts of one
document normalise to the same thing whether or not the POS sent the defaults.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from outlets.models import Deposit, Order, PaymentMethod, Product

NUMBER_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
NUMBER_HELP = "The POS number: letters, digits and . _ / -, at most 64, unique per outlet."
ZERO = Decimal("0")


class AwareDateTimeField(serializers.DateTimeField):
    """A time with its UTC offset. A bare local time is refused: the outlet's zone decides the day."""

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed but impossible (minute 60, 30 February, +25:00, year 0)
                parsed = None  # DRF's own parse below refuses it as "wrong format", at its path
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "naive": "Give the time with its UTC offset, e.g. 2026-11-20T10:15:00+07:00.",
    }


def number_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        NUMBER_REGEX,
        help_text=NUMBER_HELP,
        error_messages={"invalid": NUMBER_HELP},
        **kwargs,
    )


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def quantity(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=3, **kwargs)


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("default", "")
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


def many(
    child: serializers.Serializer, limit: int, message: str, min_length: int | None = None, **kwargs: Any
) -> serializers.ListSerializer:
    """A list of at most `limit` items, refused before any item is read.

    The validators repeat the bounds for drf-spectacular, which reads maxItems/minItems from them.
    """
    validators: list[Any] = [MaxLengthValidator(limit, message)]
    if min_length is not None:
        validators.append(MinLengthValidator(min_length))
    return serializers.ListSerializer(
        child=child,
        max_length=limit,
        min_length=min_length,
        error_messages={"max_length": message},
        validators=validators,
        **kwargs,
    )


def positive(value: Decimal, what: str) -> Decimal:
    if value <= ZERO:
        raise serializers.ValidationError(f"{what} must be more than 0.")
    return value


class OrderLineSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=64, help_text="The product's POS id.")
    quantity = quantity()
    unit_price = money(min_value=ZERO)
    discount = money(min_value=ZERO, default=ZERO, help_text="Line discount, as an amount.")
    note = text(255)

    def validate_quantity(self, value: Decimal) -> Decimal:
        return positive(value, "Quantity (post returned goods as a refund)")


class PaymentSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = money()
    reference = text(100)

    def validate_amount(self, value: Decimal) -> Decimal:
        return positive(value, "A payment's amount")


class CustomerSerializer(serializers.Serializer):
    code = text(64)
    name = text(200)
    phone = text(40)
    email = text(254)


class OrderSerializer(serializers.Serializer):
    number = number_field()
    status = serializers.ChoiceField(choices=Order.Status.choices, default=Order.Status.COMPLETED)
    ordered_at = AwareDateTimeField()
    shift = serializers.CharField(
        max_length=64, allow_null=True, default=None, help_text="The POS number of its shift."
    )
    customer = CustomerSerializer(allow_null=True, default=None)
    tax_inclusive = serializers.BooleanField(default=False)
    order_discount = money(min_value=ZERO, default=ZERO)
    tax = money(min_value=ZERO, default=ZERO)
    service_charge = money(min_value=ZERO, default=ZERO)
    rounding = money(default=ZERO)
    total = money(min_value=ZERO)
    note = text(500)
    lines = many(
        OrderLineSerializer(),
        settings.API_MAX_ORDER_LINES,
        f"At most {settings.API_MAX_ORDER_LINES:,} lines per order.",
        allow_empty=False,
    )
    payments = many(
        PaymentSerializer(),
        settings.API_MAX_ORDER_PAYMENTS,
        f"At most {settings.API_MAX_ORDER_PAYMENTS:,} payments per order.",
        default=list,
    )


class OrderBatchSerializer(serializers.Serializer):
    """Only for the schema: the batch is parsed order by order so one bad order fails alone."""

    orders = many(
        OrderSerializer(),
        settings.API_BATCH_MAX_ORDERS,
        f"Send 1 to {settings.API_BATCH_MAX_ORDERS} orders.",
        min_length=1,
        help_text=f"1 to {settings.API_BATCH_MAX_ORDERS} orders.",
    )


class VoidSerializer(serializers.Serializer):
    voided_at = AwareDateTimeField()


class ShiftOpenSerializer(serializers.Serializer):
    number = number_field()
    cashier = serializers.CharField(max_length=100)
    opened_at = AwareDateTimeField()
    opening_float = money(min_value=ZERO, default=ZERO)


class ShiftCloseSerializer(serializers.Serializer):
    closed_at = AwareDateTimeField()
    closing_cash = money(min_value=ZERO, allow_null=True, default=None)


class RefundLineSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=64)
    quantity = quantity()
    unit_price = money(min_value=ZERO)

    def validate_quantity(self, value: Decimal) -> Decimal:
        return positive(value, "Quantity")


class RefundSerializer(serializers.Serializer):
    number = number_field()
    order = serializers.CharField(max_length=64, help_text="The POS number of the refunded order.")
    refunded_at = AwareDateTimeField()
    reason = text(255)
    refund_method = serializers.ChoiceField(choices=PaymentMethod.choices, default="cash")
    total = money(min_value=ZERO)
    lines = RefundLineSerializer(many=True, allow_empty=False)


class TransferLineSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=64)
    quantity = quantity()

    def validate_quantity(self, value: Decimal) -> Decimal:
        return positive(value, "Quantity")


class TransferSerializer(serializers.Serializer):
    number = number_field()
    to_outlet = serializers.CharField(max_length=20, help_text="Code of the receiving outlet.")
    sent_at = AwareDateTimeField()
    received_at = AwareDateTimeField(allow_null=True, default=None)
    note = text(500)
    lines = TransferLineSerializer(many=True, allow_empty=False)


class ReceiveSerializer(serializers.Serializer):
    received_at = AwareDateTimeField()


class AdjustmentLineSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=64)
    quantity = quantity(help_text="Positive: stock in. Negative: stock out.")
    unit_cost = money(min_value=ZERO, default=ZERO)
    note = text(255)

    def validate_quantity(self, value: Decimal) -> Decimal:
        if value == ZERO:
            raise serializers.ValidationError("Quantity must not be 0: + for stock in, − for out.")
        return value


class AdjustmentSerializer(serializers.Serializer):
    number = number_field()
    adjusted_at = AwareDateTimeField()
    reason = serializers.CharField(max_length=255)
    lines = AdjustmentLineSerializer(many=True, allow_empty=False)


class StockTakeLineSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=64)
    counted_quantity = quantity(min_value=ZERO)


class StockTakeSerializer(serializers.Serializer):
    number = number_field()
    counted_at = AwareDateTimeField()
    note = text(500)
    lines = StockTakeLineSerializer(many=True, allow_empty=False)


class DepositSerializer(serializers.Serializer):
    number = number_field()
    kind = serializers.ChoiceField(choices=Deposit.Kind.choices)
    received_at = AwareDateTimeField()
    amount = money()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    customer_name = text(200)
    note = text(500)

    def validate_amount(self, value: Decimal) -> Decimal:
        return positive(value, "The amount")


class PayoutSerializer(serializers.Serializer):
    number = number_field()
    paid_at = AwareDateTimeField(help_text="When the money reached the outlet's bank.")
    gross = money(help_text="What iSellerPay collected for the payments this payout covers.")
    fee = money(min_value=ZERO, help_text="The MDR fee iSellerPay kept.")
    net = money(help_text="What reached the bank: gross − fee.")
    period_start = serializers.DateField(
        allow_null=True, default=None, help_text="First day of the payments it covers."
    )
    period_end = serializers.DateField(allow_null=True, default=None, help_text="Last day of the payments.")
    reference = text(100, help_text="The bank transfer's reference.")
    note = text(500)

    def validate_gross(self, value: Decimal) -> Decimal:
        return positive(value, "The gross amount")

    def validate_net(self, value: Decimal) -> Decimal:
        return positive(value, "The net amount")


class StockEntrySerializer(serializers.Serializer):
    outlet = serializers.CharField(max_length=20)
    quantity = quantity()
    unit_cost = money(min_value=ZERO, default=ZERO)


class ProductSerializer(serializers.Serializer):
    pos_id = serializers.CharField(max_length=64)
    sku = text(64)
    name = serializers.CharField(max_length=255)
    barcode = text(64)
    unit = serializers.CharField(max_length=20, default="PCS")
    price = money(min_value=ZERO)
    cost = money(min_value=ZERO, default=ZERO)
    item_type = serializers.ChoiceField(choices=Product.ItemType.choices, default=Product.ItemType.INVENTORY)
    category = text(100)
    taxable = serializers.BooleanField(default=True, help_text="PPN applies to its sales.")
    has_serial_number = serializers.BooleanField(default=False)
    active = serializers.BooleanField(default=True)
    stock = StockEntrySerializer(many=True, default=list)


class ProductUpsertSerializer(serializers.Serializer):
    products = many(
        ProductSerializer(),
        settings.API_BATCH_MAX_PRODUCTS,
        f"At most {settings.API_BATCH_MAX_PRODUCTS:,} products per request.",
        allow_empty=False,
    )


class OutletSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
