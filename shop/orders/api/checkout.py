"""POST /carts/{id}/checkout/: the cart's owner places an order, optionally under an Idempotency-Key."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shop.carts.models import Cart
from shop.carts.selectors import user_carts
from shop.core.errors import PROBLEM_CONTENT_TYPE
from shop.core.schema import InsufficientStockProblemSerializer, problem_schema
from shop.core.throttling import UserRateThrottle
from shop.orders import services
from shop.orders.api.serializers import CheckoutSerializer, OrderSerializer
from shop.orders.idempotency import Attempt, idempotent_attempt, key_is_valid, request_fingerprint
from shop.orders.models import Order
from shop.orders.selectors import order_queryset

IDEMPOTENCY_HEADER = "Idempotency-Key"


class CheckoutRateThrottle(UserRateThrottle):
    """The scoped rate `checkout` (THROTTLE_CHECKOUT), per user, on top of the general user rate."""

    scope = "checkout"


CHECKOUT_DESCRIPTION = """The cart's owner (a logged-in customer; someone else's cart or a guest cart: 404) places an
order in one transaction: stock is decremented for every line or for none, prices, titles, skus and the shipping
address are copied, the cart becomes `ordered`. The 201 carries `Location`, the order's URL.

Errors: 409 `insufficient_stock` listing every short product (stock minus other carts' unexpired reservations;
when stock fell below the reservations, the oldest reservations are served first); 409 `conflict` for an empty
cart or a cart that is not open; 400 without an address (none given and no default), for an address that is not
yours, for a shipping method that does not serve the address's country, without a method when some serves it,
or for a total larger than an order can hold; 409 `voucher_unavailable` (with `reason`) when the cart's voucher
stopped being usable since it was applied (used up by other orders meanwhile, expired...): nothing changes.

The order is priced exactly as `GET /carts/{id}/quote/` prices the cart for the same address and method.

`Idempotency-Key` (optional, up to 255 printable ASCII characters): the same key with the same cart and body
within 24 h answers the first answer again (status and body, header `Idempotent-Replayed: true`) and creates
nothing; checkout errors (4xx) are stored and replayed too. The same key with another cart or body: 422
`idempotency_key_reused`. While the first request is still running: 409 `conflict`; if it died (no answer after
IDEMPOTENCY_LEASE_SECONDS, 60), the next request with the key runs the checkout."""


class CheckoutView(GenericAPIView):
    serializer_class = CheckoutSerializer
    permission_classes = (IsAuthenticated,)
    throttle_classes = (UserRateThrottle, CheckoutRateThrottle)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cart.objects.none()
        return user_carts(user=self.request.user)

    @extend_schema(
        operation_id="carts_checkout",
        tags=["carts"],
        summary="Check the cart out: place an order",
        description=CHECKOUT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER, type=str, location=OpenApiParameter.HEADER, required=False, description="Retry key."
            ),
            OpenApiParameter(
                "Location", type=str, location=OpenApiParameter.HEADER, response=[201], description="The order's URL."
            ),
        ],
        request=CheckoutSerializer,
        responses={
            201: OpenApiResponse(OrderSerializer, description="The order (also on an idempotent replay)."),
            **problem_schema(409, InsufficientStockProblemSerializer),
            **problem_schema(422),
        },
    )
    def post(self, request, pk=None):
        cart = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        place = {
            "shipping_address": body.validated_data.get("shipping_address"),
            "shipping_method": body.validated_data.get("shipping_method"),
        }
        key = self._idempotency_key(request)
        if key is None:
            order = services.order_place(cart=cart, by=request.user, **place)
            return self._answer(status.HTTP_201_CREATED, self._document(order))
        fingerprint = request_fingerprint(scope=f"cart:{cart.pk}", body=request.data)
        with idempotent_attempt(user=request.user, key=key, fingerprint=fingerprint) as attempt:
            if not attempt.replayed:
                order = services.order_place(cart=cart, by=request.user, **place)
                attempt.succeed(status=status.HTTP_201_CREATED, body=self._document(order), order=order)
        return self._replayable_answer(attempt)

    @staticmethod
    def _idempotency_key(request) -> str | None:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None and not key_is_valid(key):
            raise ValidationError({IDEMPOTENCY_HEADER: ["Use 1 to 255 printable ASCII characters without spaces."]})
        return key

    def _document(self, order: Order) -> dict:
        return OrderSerializer(order_queryset().get(pk=order.pk), context={"request": self.request}).data

    def _answer(self, code: int, data: dict, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(reverse("order-detail", kwargs={"pk": data["id"]}))
        content_type = PROBLEM_CONTENT_TYPE if code >= 400 else None
        return Response(data, status=code, headers=headers, content_type=content_type)

    def _replayable_answer(self, attempt: Attempt) -> Response:
        return self._answer(attempt.status, attempt.body, {"Idempotent-Replayed": "true"} if attempt.replayed else {})
