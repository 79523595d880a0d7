from .catalog import Outlet, OutletStock, Product
from .documents import Order, OrderLine, Payment, PosDocument, Refund, RefundLine, Shift
from .fields import PaymentMethod
from .inventory import (
    Adjustment,
    AdjustmentLine,
    Deposit,
    Payout,
    StockTake,
    StockTakeLine,
    Transfer,
    TransferLine,
)
from .stores import ApiKey, Membership, Store

__all__ = [
    "Adjustment",
    "AdjustmentLine",
    "ApiKey",
    "Deposit",
    "Membership",
    "Order",
    "OrderLine",
    "Outlet",
    "OutletStock",
    "Payment",
    "PaymentMethod",
    "Payout",
    "PosDocument",
    "Product",
    "Refund",
    "RefundLine",
    "Shift",
    "StockTake",
    "StockTakeLine",
    "Store",
    "Transfer",
    "TransferLine",
]
