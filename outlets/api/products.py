"""Products: bulk upsert by POS id, and read one back."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import serializers as rf_serializers
from rest_framework.request import Request
from rest_framework.response import Response

from outlets import selectors
from outlets.models import Product
from outlets.services.products import PRODUCT_FIELDS, products_upsert

from . import serializers
from .auth import request_store
from .schema import ProductUpsertResultSerializer
from .views import validated


def product_body(product: Product) -> dict[str, object]:
    body: dict[str, object] = {"id": product.pk, "pos_id": product.pos_id}
    body.update({name: getattr(product, name) for name in PRODUCT_FIELDS})
    for name in ("price", "cost"):
        body[name] = str(body[name])
    return body


class ProductStoredSerializer(serializers.ProductSerializer):
    id = rf_serializers.IntegerField(help_text="The add-on's id of the product.")
    stock = None  # type: ignore[assignment]  # posted with the product, not read back


class ProductUpsertView(generics.GenericAPIView):
    serializer_class = serializers.ProductUpsertSerializer

    @extend_schema(responses={200: ProductUpsertResultSerializer})
    def post(self, request: Request) -> Response:
        """Create or update up to 1,000 products by POS id, with stock per outlet. All or nothing."""
        data = validated(serializers.ProductUpsertSerializer, request.data)
        results = products_upsert(store=request_store(request), items=data["products"])
        counts = {o: sum(1 for r in results if r.outcome == o) for o in ("created", "updated", "unchanged")}
        return Response(
            {
                **counts,
                "results": [{"pos_id": r.pos_id, "outcome": r.outcome, "id": r.product.pk} for r in results],
            }
        )


class ProductDetailView(generics.GenericAPIView):
    serializer_class = serializers.ProductSerializer

    @extend_schema(responses={200: ProductStoredSerializer})
    def get(self, request: Request, pos_id: str) -> Response:
        product = selectors.products_for_store(request_store(request)).filter(pos_id=pos_id).first()
        if product is None:
            raise Http404(f"No product with POS id '{pos_id}' in this store.")
        return Response(product_body(product))
