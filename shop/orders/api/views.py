from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shop.core.filters import FilterBackend, OrderingFilter
from shop.core.permissions import OwnedObjectPermission, sees_all
from shop.core.renderers import ORJSONRenderer, PDFRenderer
from shop.core.schema import problem_responses
from shop.core.serializers import refuse_body_fields
from shop.orders import services
from shop.orders.api.filters import OrderFilter
from shop.orders.api.serializers import (
    OrderSerializer,
    OrderStatusSerializer,
    ShipmentCreateSerializer,
    ShipmentSerializer,
)
from shop.orders.documents import invoice_pdf, pdf_response
from shop.orders.models import ADD_SHIPMENT_PERMISSION, CHANGE_STATUS_PERMISSION, INVOICE_PERMISSION, Order
from shop.orders.selectors import order_queryset


@extend_schema_view(
    list=extend_schema(
        summary="List orders",
        description=(
            "Own orders; with `orders.view_order` all. Filters: status, payment_status, user, created_after, "
            "created_before."
        ),
    ),
    retrieve=extend_schema(
        summary="Read an order", description="Own order, or any with `orders.view_order`; others get 404."
    ),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    permission_classes = (IsAuthenticated, OwnedObjectPermission)
    staff_permissions = {
        "cancel": CHANGE_STATUS_PERMISSION,
        "set_status": CHANGE_STATUS_PERMISSION,
        "shipments": ADD_SHIPMENT_PERMISSION,
    }
    filter_backends = (FilterBackend, OrderingFilter)
    filterset_class = OrderFilter
    ordering_fields = ("created_at", "total")
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        queryset = order_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return queryset if sees_all(self.request.user, Order) else queryset.filter(user=self.request.user)

    def is_owner(self, order) -> bool:
        return order.user_id == self.request.user.pk

    def _answer(self, order: Order) -> Response:
        return Response(OrderSerializer(order_queryset().get(pk=order.pk), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Cancel the order (stock is restored)",
        description=(
            "Owner while pending; holders of `orders.change_order_status` while pending or paid (someone else's "
            "order without it: 403, or 404 without `orders.view_order`). Otherwise 409 `conflict`."
        ),
        request=None,
        responses={200: OrderSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        refuse_body_fields(request)
        return self._answer(services.order_cancel(order=order, by=request.user))

    @extend_schema(
        summary="Move the order to another status (staff)",
        description=(
            "Needs `orders.change_order_status` (403; someone else's order without `orders.view_order`: 404). "
            "Allowed moves: pending→paid, paid→shipped, shipped→delivered, pending|paid→cancelled (stock restored); "
            "others 409 `conflict`. Each move is added to `history` with who (`by`, a user id) and when."
        ),
        request=OrderStatusSerializer,
        responses={200: OrderSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        order = self.get_object()  # someone else's order: 404 before the permission check, as for every method
        if not request.user.has_perm(CHANGE_STATUS_PERMISSION):  # the owner too: customers do not move orders
            raise PermissionDenied("Changing an order's status needs the permission orders.change_order_status.")
        body = OrderStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(
            services.order_set_status(order=order, status=body.validated_data["status"], by=request.user)
        )

    @extend_schema(
        summary="Record a shipment (staff)",
        description=(
            "Needs `orders.add_shipment` (403; someone else's order without `orders.view_order`: 404). Only a paid "
            "(or already shipped) order: otherwise 409 `conflict`, as for the same carrier and tracking number "
            "twice. A paid order becomes `shipped`; the customer is mailed the tracking."
        ),
        request=ShipmentCreateSerializer,
        responses={201: ShipmentSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def shipments(self, request, pk=None):
        order = self.get_object()
        if not request.user.has_perm(ADD_SHIPMENT_PERMISSION):  # the owner too: customers do not ship
            raise PermissionDenied("Recording a shipment needs the permission orders.add_shipment.")
        body = ShipmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        shipment = services.shipment_create(order=order, by=request.user, **body.validated_data)
        return Response(ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the invoice (PDF)",
        description=(
            "The owner, or a holder of `orders.download_invoice` (403). Once the order is paid; before: 409 "
            "`conflict`. The shop's name, address and tax id, the customer and shipping address, the lines and the "
            "totals with tax, in the shop's currency."
        ),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The invoice."),
            **problem_responses(409),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=(ORJSONRenderer, PDFRenderer))
    def invoice(self, request, pk=None):
        order = self.get_object()
        if not (self.is_owner(order) or request.user.has_perm(INVOICE_PERMISSION)):
            raise PermissionDenied("Someone else's invoice needs the permission orders.download_invoice.")
        return pdf_response(invoice_pdf(order), filename=f"{order.invoice_number}.pdf")
