"""An order's payments and refunds, and Stripe's webhook. Thin: every rule is in the services."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.permissions import sees_all
from shop.core.schema import problem_responses
from shop.core.throttling import ScopedRateThrottle
from shop.orders.models import Order
from shop.payments import refunds, services, webhooks
from shop.payments.api.serializers import (
    ManualPaymentSerializer,
    PaymentSerializer,
    PaymentStartedSerializer,
    PaymentStartSerializer,
    RefundRequestSerializer,
    RefundSerializer,
)
from shop.payments.selectors import order_payments, order_refunds


class OrderPartView(GenericAPIView):
    """A part of an order: the order is found among those the caller sees (their own; every order with
    `orders.view_order`), else 404. `owner_only_methods` look among the caller's own orders only."""

    permission_classes = (IsAuthenticated,)
    filter_backends = ()
    pagination_class = None
    owner_only_methods: tuple[str, ...] = ()

    def get_queryset(self):
        orders = Order.objects.all()
        if getattr(self, "swagger_fake_view", False):
            return orders.none()
        user = self.request.user
        if self.request.method in self.owner_only_methods or not sees_all(user, Order):
            return orders.filter(user=user)
        return orders


class OrderPaymentsView(OrderPartView):
    owner_only_methods = ("POST",)
    serializer_class = PaymentStartSerializer

    @extend_schema(
        operation_id="orders_payments_list",
        tags=["orders"],
        summary="The order's payments",
        description="Owner, or anyone with `orders.view_order`; others 404.",
        responses={200: PaymentSerializer(many=True)},
    )
    def get(self, request, pk=None):
        return Response(PaymentSerializer(order_payments(order=self.get_object()), many=True).data)

    @extend_schema(
        operation_id="orders_payments_create",
        tags=["orders"],
        summary="Pay the order",
        description=(
            "The order's customer only (others: 404), while the order is pending and unpaid (cancelled or paid: "
            "409 `conflict`). `stripe` (offered when configured) creates a PaymentIntent for the total and answers "
            "its `client_secret`; `manual` answers the instructions for a bank transfer. An open payment of that "
            "provider is answered again with 200, never a second charge. Unknown or unavailable provider: 400; "
            "the provider failing: 502 `payment_provider_error`, nothing recorded."
        ),
        request=PaymentStartSerializer,
        responses={
            201: PaymentStartedSerializer,
            200: OpenApiResponse(PaymentStartedSerializer, description="The open payment, again."),
            **problem_responses(409, 502),
        },
    )
    def post(self, request, pk=None):
        order = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment, steps, created = services.payment_start(
            order=order, user=request.user, provider=body.validated_data["provider"]
        )
        payment.client_secret, payment.instructions = steps.client_secret, steps.instructions
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(PaymentStartedSerializer(payment).data, status=code)


class ManualPaymentView(OrderPartView):
    serializer_class = ManualPaymentSerializer

    @extend_schema(
        operation_id="orders_payments_manual",
        tags=["orders"],
        summary="Record a manual payment (staff)",
        description=(
            "Needs `payments.record_manual_payment` (403; someone else's order without `orders.view_order`: 404). "
            "Records a succeeded payment of `amount` (at most what is due, else 400); the order becomes paid once "
            "its payments cover the total. Cancelled or already paid: 409."
        ),
        request=ManualPaymentSerializer,
        responses={201: PaymentSerializer, **problem_responses(409)},
    )
    def post(self, request, pk=None):
        order = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.payment_record_manual(order=order, by=request.user, **body.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class OrderRefundsView(OrderPartView):
    serializer_class = RefundRequestSerializer

    @extend_schema(
        operation_id="orders_refunds_list",
        tags=["orders"],
        summary="The order's refunds",
        description="Owner, or anyone with `orders.view_order`; others 404.",
        responses={200: RefundSerializer(many=True)},
    )
    def get(self, request, pk=None):
        return Response(RefundSerializer(order_refunds(order=self.get_object()), many=True).data)

    @extend_schema(
        operation_id="orders_refunds_create",
        tags=["orders"],
        summary="Refund the order (staff)",
        description=(
            "Needs `payments.add_refund` (403; someone else's order without `orders.view_order`: 404); the order must "
            "be paid (else 409). `lines` ([{item: order item id, quantity}]) cost their share of what was charged "
            "(tax, discount and shipping in proportion); `amount` overrides it, or refunds without lines. Never more "
            "than is left of what was paid, nor more units than were bought and not refunded yet (400). `restock` "
            "puts the lines' units back (`return` stock movements). Stripe payments are refunded through Stripe."
        ),
        request=RefundRequestSerializer,
        responses={201: RefundSerializer, **problem_responses(409, 502)},
    )
    def post(self, request, pk=None):
        order = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        refund = refunds.refund_create(order=order, by=request.user, **body.validated_data)
        return Response(RefundSerializer(order_refunds(order=order).get(pk=refund.pk)).data, status=201)


class StripeWebhookView(APIView):
    """Stripe's signed events; the signature is the only credential."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "stripe_webhook"

    @extend_schema(
        operation_id="payments_webhooks_stripe",
        tags=["payments"],
        summary="Stripe webhook",
        description=(
            "Stripe's events, verified with `Stripe-Signature` (STRIPE_WEBHOOK_SECRET, tolerance 300 s): a missing "
            "or bad signature, or an old timestamp, is a 400 and changes nothing. `payment_intent.succeeded` makes "
            "the payment succeeded and the order paid when amount and currency match (else the payment is flagged "
            "for staff and the order stays unpaid); `payment_intent.payment_failed` fails the payment; "
            "`charge.refunded` records refunds made in Stripe. The same event id again: 200, applied once. An "
            "event for an unknown PaymentIntent is logged and answered 200. The body is Stripe's event, read as "
            "the raw bytes it signed (not described here: Stripe's own documentation is the reference)."
        ),
        request=None,
        responses={200: OpenApiResponse(description='`{"received": true}`')},
    )
    def post(self, request):
        webhooks.stripe_event_receive(payload=request.body, signature=request.headers.get("Stripe-Signature"))
        return Response({"received": True})
