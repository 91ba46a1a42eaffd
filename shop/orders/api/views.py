from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shop.core.filters import FilterBackend, OrderingFilter
from shop.core.permissions import is_staff
from shop.core.schema import problem_responses
from shop.core.serializers import refuse_body_fields
from shop.orders import services
from shop.orders.api.filters import OrderFilter
from shop.orders.api.serializers import OrderSerializer, OrderStatusSerializer
from shop.orders.models import Order, OrderItem, OrderStatusChange


def order_queryset():
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id")),
        Prefetch("history", queryset=OrderStatusChange.objects.order_by("created_at", "id")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="List orders",
        description="Own orders; staff see all. Filters: status, user, created_after, created_before.",
    ),
    retrieve=extend_schema(summary="Read an order", description="Own order or staff; others get 404."),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    permission_classes = (IsAuthenticated,)
    filter_backends = (FilterBackend, OrderingFilter)
    filterset_class = OrderFilter
    ordering_fields = ("created_at", "total")
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        queryset = order_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return queryset if is_staff(self.request.user) else queryset.filter(user=self.request.user)

    def _answer(self, order: Order) -> Response:
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)

    @extend_schema(
        summary="Cancel the order (stock is restored)",
        description="Owner while pending; staff while pending or paid. Otherwise 409 `conflict`.",
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
            "Allowed moves: pending→paid, paid→shipped, shipped→delivered, pending|paid→cancelled (stock restored); "
            "others 409 `conflict`. Each move is added to `history` with who (`by`, a user id) and when."
        ),
        request=OrderStatusSerializer,
        responses={200: OrderSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        order = self.get_object()  # someone else's order: 404 before the staff check, as for every method
        if not is_staff(request.user):
            raise PermissionDenied("Only staff change an order's status.")
        body = OrderStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(
            services.order_set_status(order=order, status=body.validated_data["status"], by=request.user)
        )
