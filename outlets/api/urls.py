from django.urls import path

from outlets import selectors
from outlets.services.deposits import deposit_create
from outlets.services.payouts import payout_create
from outlets.services.refunds import refund_create
from outlets.services.stock import adjustment_create, stock_take_create, transfer_send

from . import (
    schema,  # noqa: F401  (registers the API key scheme)
    serializers,
)
from .orders import OrderBatchView, OrderCreateView, OrderDetailView, OrderVoidView
from .products import ProductDetailView, ProductUpsertView
from .views import (
    TRANSFER_STORED,
    OutletListView,
    ShiftCloseView,
    TransferReceiveView,
    kind_views,
    shift_views,
)

app_name = "api"

OUTLET = "outlets/<str:outlet_code>/"

KINDS = {
    "refunds": kind_views(serializers.RefundSerializer, refund_create, selectors.refunds_for_outlet),
    "transfers": kind_views(
        serializers.TransferSerializer,
        transfer_send,
        selectors.transfers_for_outlet,
        response=TRANSFER_STORED,
    ),
    "adjustments": kind_views(
        serializers.AdjustmentSerializer, adjustment_create, selectors.adjustments_for_outlet
    ),
    "stock-takes": kind_views(
        serializers.StockTakeSerializer, stock_take_create, selectors.stock_takes_for_outlet
    ),
    "deposits": kind_views(serializers.DepositSerializer, deposit_create, selectors.deposits_for_outlet),
    "payouts": kind_views(serializers.PayoutSerializer, payout_create, selectors.payouts_for_outlet),
    "shifts": shift_views,
}

urlpatterns = [
    path("outlets/", OutletListView.as_view(), name="outlets"),
    path("products/", ProductUpsertView.as_view(), name="products"),
    path("products/<str:pos_id>/", ProductDetailView.as_view(), name="product-detail"),
    path(OUTLET + "orders/", OrderCreateView.as_view(), name="orders"),
    path(OUTLET + "orders/batch/", OrderBatchView.as_view(), name="orders-batch"),
    path(OUTLET + "orders/<path:number>/void/", OrderVoidView.as_view(), name="order-void"),
    path(OUTLET + "orders/<path:number>/", OrderDetailView.as_view(), name="order-detail"),
    path(OUTLET + "shifts/<path:number>/close/", ShiftCloseView.as_view(), name="shift-close"),
    path(
        OUTLET + "transfers/<path:number>/receive/",
        TransferReceiveView.as_view(),
        name="transfer-receive",
    ),
]
for prefix, (create_view, detail_view) in KINDS.items():
    urlpatterns += [
        path(f"{OUTLET}{prefix}/", create_view, name=prefix),
        path(f"{OUTLET}{prefix}/<path:number>/", detail_view, name=f"{prefix}-detail"),
    ]
