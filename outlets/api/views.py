"""The ingestion API. Views parse, call one service, and render; the store comes from the API key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from outlets import selectors
from outlets.models import Outlet, PosDocument
from outlets.services.documents import Ingested
from outlets.services.shifts import shift_close, shift_open
from outlets.services.stock import transfer_receive

from . import serializers as api_serializers
from .auth import request_store
from .representation import represent
from .schema import OutletListSerializer, stored


def outlet_for_request(request: Request, code: str) -> Outlet:
    """The outlet of the key's store with this code; another store's outlet is a 404."""
    outlet = selectors.outlets_for_store(request_store(request)).filter(code=code).first()
    if outlet is None:
        raise Http404(
            f"Outlet '{code}' does not exist in this store. Outlets are created in the back office."
        )
    return outlet


def validated(serializer_class: type[serializers.BaseSerializer] | None, data: Any) -> dict[str, Any]:
    assert serializer_class is not None
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class OutletListView(generics.GenericAPIView):
    serializer_class = api_serializers.OutletSerializer

    @extend_schema(responses={200: OutletListSerializer})
    def get(self, request: Request) -> Response:
        outlets = selectors.outlets_for_store(request_store(request))
        return Response({"outlets": [represent(outlet) for outlet in outlets]})


class DocumentCreateView(generics.GenericAPIView):
    """POST a new document of one kind to an outlet. 201 when stored, 200 for a replay."""

    service: ClassVar[Callable[..., Ingested[Any]]]

    def post(self, request: Request, outlet_code: str) -> Response:
        outlet = outlet_for_request(request, outlet_code)
        result = type(self).service(outlet=outlet, data=validated(self.serializer_class, request.data))
        return Response(represent(result.document), status=201 if result.created else 200)


class DocumentDetailView(generics.GenericAPIView):
    """GET one document of this outlet by its POS number."""

    selector: ClassVar[Callable[[Outlet], Any]]

    def get(self, request: Request, outlet_code: str, number: str) -> Response:
        outlet = outlet_for_request(request, outlet_code)
        return Response(represent(document_for(type(self).selector, outlet, number)))


def document_for(selector: Callable[[Outlet], Any], outlet: Outlet, number: str) -> PosDocument:
    document = selector(outlet).filter(number=number).first()
    if document is None:
        raise Http404(f"No document '{number}' at outlet '{outlet.code}'.")
    return document  # type: ignore[no-any-return]


SHIFT_STORED = stored(
    api_serializers.ShiftOpenSerializer,
    closed_at=serializers.DateTimeField(allow_null=True),
    closing_cash=api_serializers.money(allow_null=True),
)
TRANSFER_STORED = stored(api_serializers.TransferSerializer)


class ShiftCloseView(generics.GenericAPIView):
    serializer_class = api_serializers.ShiftCloseSerializer

    @extend_schema(responses={200: SHIFT_STORED})
    def post(self, request: Request, outlet_code: str, number: str) -> Response:
        outlet = outlet_for_request(request, outlet_code)
        data = validated(api_serializers.ShiftCloseSerializer, request.data)
        shift, _ = shift_close(outlet=outlet, number=number, **data)
        return Response(represent(shift))


class TransferReceiveView(generics.GenericAPIView):
    serializer_class = api_serializers.ReceiveSerializer

    @extend_schema(
        description="The receiving outlet got transfer `number` sent by this outlet.",
        responses={200: TRANSFER_STORED},
    )
    def post(self, request: Request, outlet_code: str, number: str) -> Response:
        outlet = outlet_for_request(request, outlet_code)
        data = validated(api_serializers.ReceiveSerializer, request.data)
        transfer, _ = transfer_receive(outlet=outlet, number=number, **data)
        return Response(represent(transfer))


def kind_views(
    serializer: type[serializers.Serializer],
    service: Callable[..., Ingested[Any]],
    selector: Callable[[Outlet], Any],
    response: type[serializers.Serializer] | None = None,
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The create and detail views of one document kind, and what they answer in the schema."""
    answer = response or stored(serializer)
    create: type[DocumentCreateView] = type(
        f"{serializer.__name__}Create",
        (DocumentCreateView,),
        {"serializer_class": serializer, "service": staticmethod(service)},
    )
    detail: type[DocumentDetailView] = type(
        f"{serializer.__name__}Detail",
        (DocumentDetailView,),
        {"serializer_class": serializer, "selector": staticmethod(selector)},
    )
    create = extend_schema_view(post=extend_schema(responses={201: answer, 200: answer}))(create)
    detail = extend_schema_view(get=extend_schema(responses={200: answer}))(detail)
    return create.as_view(), detail.as_view()


shift_views = kind_views(
    api_serializers.ShiftOpenSerializer, shift_open, selectors.shifts_for_outlet, response=SHIFT_STORED
)
