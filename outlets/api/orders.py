"""Order endpoints: one order, a batch of up to 500, a change before sync, and void."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import serializers as rf_serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from outlets import selectors
from outlets.models import Order
from outlets.services.errors import DocumentConflict, DocumentInvalid
from outlets.services.orders import OrderResult, order_replace, order_void, orders_ingest

from . import serializers
from .errors import error_body, flatten_errors
from .representation import represent
from .schema import OrderBatchResultSerializer, stored
from .views import document_for, outlet_for_request, validated

ORDER_STORED = stored(
    serializers.OrderSerializer,
    status=rf_serializers.ChoiceField(choices=Order.Status.choices),
    version=rf_serializers.IntegerField(help_text="1, then one more for each change the POS posted."),
    voided_at=rf_serializers.DateTimeField(allow_null=True),
)


def result_body(result: OrderResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "index": result.index,
        "number": result.number,
        "outcome": result.outcome,
    }
    if result.order is not None:
        body["id"] = result.order.pk
    if result.outcome == "invalid":
        body["message"] = result.message
        body["errors"] = [{"path": p, "message": m} for p, m in result.errors.items()]
    if result.outcome == "conflict":
        body["message"] = result.message
        body["fields"] = result.fields
    return body


class OrderCreateView(generics.GenericAPIView):
    serializer_class = serializers.OrderSerializer

    @extend_schema(responses={201: ORDER_STORED, 200: ORDER_STORED})
    def post(self, request: Request, outlet_code: str) -> Response:
        """Post one order. 201 when stored, 200 when this exact order was stored before."""
        outlet = outlet_for_request(request, outlet_code)
        data = validated(serializers.OrderSerializer, request.data)
        [result] = orders_ingest(outlet=outlet, items=[(0, data)])
        if result.outcome == "invalid":
            raise DocumentInvalid(result.errors, "The order is not valid; nothing was saved.")
        if result.outcome == "conflict":
            raise DocumentConflict(result.message, fields=result.fields)
        assert result.order is not None
        return Response(represent(result.order), status=201 if result.outcome == "created" else 200)


class OrderBatchView(generics.GenericAPIView):
    serializer_class = serializers.OrderBatchSerializer

    @extend_schema(responses={200: OrderBatchResultSerializer})
    def post(self, request: Request, outlet_code: str) -> Response:
        """Post up to 500 orders. Good ones are stored, bad ones reported; one result per order."""
        outlet = outlet_for_request(request, outlet_code)
        raw = request.data.get("orders") if isinstance(request.data, dict) else None
        limit = settings.API_BATCH_MAX_ORDERS
        if not isinstance(raw, list) or not raw or len(raw) > limit:
            message = f'Send {{"orders": [...]}} with 1 to {limit} orders.'
            return Response(
                error_body("invalid", message, errors=[{"path": "orders", "message": message}]), 400
            )
        results: list[dict[str, Any]] = []
        valid: list[tuple[int, dict[str, Any]]] = []
        # One serializer for the whole batch: building one per order (DRF deep-copies its fields
        # each time) cost more than everything else in a 500-order batch.
        parser = serializers.OrderSerializer()
        for index, item in enumerate(raw):
            try:
                valid.append((index, parser.run_validation(item)))
            except ValidationError as exc:
                number = item.get("number", "") if isinstance(item, dict) else ""
                results.append(
                    {
                        "index": index,
                        "number": str(number),
                        "outcome": "invalid",
                        "message": "The order is not valid.",
                        "errors": flatten_errors(exc.detail),
                    }
                )
        results.extend(result_body(r) for r in orders_ingest(outlet=outlet, items=valid))
        results.sort(key=lambda r: r["index"])
        counts = {
            o: sum(1 for r in results if r["outcome"] == o)
            for o in ("created", "replayed", "conflict", "invalid")
        }
        return Response({**counts, "results": results})


class OrderDetailView(generics.GenericAPIView):
    serializer_class = serializers.OrderSerializer

    def get_object(self) -> Order:
        """The order at this URL (404 if none); DRF's OPTIONS asks for it before describing PUT."""
        outlet = outlet_for_request(self.request, self.kwargs["outlet_code"])
        order = document_for(selectors.orders_for_outlet, outlet, self.kwargs["number"])
        assert isinstance(order, Order)
        return order

    @extend_schema(responses={200: ORDER_STORED})
    def get(self, request: Request, outlet_code: str, number: str) -> Response:
        return Response(represent(self.get_object()))

    @extend_schema(responses={200: ORDER_STORED})
    def put(self, request: Request, outlet_code: str, number: str) -> Response:
        """Replace an order that changed at the POS. Refused (409) once it is in Accurate."""
        outlet = outlet_for_request(request, outlet_code)
        data = validated(serializers.OrderSerializer, request.data)
        result = order_replace(outlet=outlet, number=number, data=data)
        assert result.order is not None
        return Response(represent(result.order))


class OrderVoidView(generics.GenericAPIView):
    serializer_class = serializers.VoidSerializer

    @extend_schema(responses={200: ORDER_STORED})
    def post(self, request: Request, outlet_code: str, number: str) -> Response:
        """Void an order. Voiding it again changes nothing."""
        outlet = outlet_for_request(request, outlet_code)
        data = validated(serializers.VoidSerializer, request.data)
        order, _ = order_void(outlet=outlet, number=number, voided_at=data["voided_at"])
        return Response(represent(order))
