"""Realistic demo data for an Indonesian coffee and retail shop, as the POS would post it.

Every function returns a body in exactly the shape of the API serializers (outlets/api/serializers.py):
decimals as strings, times as ISO 8601 with the outlet's UTC offset, every optional field present.
Nothing here touches the database; give the same `random.Random` seed and get the same data.
"""

from .catalogue import PRODUCT_COUNT, PRODUCTS_WITHOUT_SKU, DemoProduct, Menu, catalogue, product_body
from .common import Body, cashier, customer, iso, money
from .documents import (
    adjustment_body,
    cash_paid,
    day_times,
    deposit_body,
    order_body,
    refund_body,
    shift_close_body,
    shift_open_body,
    stock_take_body,
    transfer_body,
)
from .payouts import ISELLER_PAY, paid_by, payout_body

__all__ = [
    "ISELLER_PAY",
    "PRODUCTS_WITHOUT_SKU",
    "PRODUCT_COUNT",
    "Body",
    "DemoProduct",
    "Menu",
    "adjustment_body",
    "cash_paid",
    "cashier",
    "catalogue",
    "customer",
    "day_times",
    "deposit_body",
    "iso",
    "money",
    "order_body",
    "paid_by",
    "payout_body",
    "product_body",
    "refund_body",
    "shift_close_body",
    "shift_open_body",
    "stock_take_body",
    "transfer_body",
]
