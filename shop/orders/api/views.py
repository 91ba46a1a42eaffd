from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shop.core.filters import FilterBackend, OrderingFilter
from shop.core.permissions import OwnedObjectPermission, sees_all
from shop.core.schema import problem_responses
from shop.core.serializers import refuse_body_fields
from shop.orders import services
from shop.orders.api.filters import OrderFilter
from shop.orders.api.serializers import OrderSerializer, OrderStatusSerializer
from shop.orders.models import CHANGE_STATUS_PERMISSION, Order
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
    staff_permissions = {"cancel": CHANGE_STATUS_PERMISSION, "set_status": CHANGE_STATUS_PERMISSION}
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
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)

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
