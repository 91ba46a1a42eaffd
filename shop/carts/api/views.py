from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from shop.carts import services
from shop.carts.api.filters import CartFilter
from shop.carts.api.quote import CartQuoteSerializer, quote_for_request
from shop.carts.api.serializers import (
    CartChangeSerializer,
    CartSerializer,
    QuoteQuerySerializer,
    VoucherApplySerializer,
)
from shop.carts.api.session import SESSION_PARAMETER, require_session_id, session_id
from shop.carts.models import Cart
from shop.carts.selectors import cart_queryset
from shop.core.filters import FilterBackend, OrderingFilter
from shop.core.permissions import OwnedObjectPermission, sees_all
from shop.core.schema import InsufficientStockProblemSerializer, problem_responses, problem_schema
from shop.core.serializers import refuse_body_fields
from shop.pricing.api.serializers import VoucherProblemSerializer

OWNER_NOTE = (
    "Owner (the cart's user, or the guest presenting its X-Session-Id) or staff (`carts.view_cart` to see it, "
    "`carts.change_cart`/`delete_cart` to change or delete it: else 403); others get 404."
)


@extend_schema_view(
    list=extend_schema(
        summary="List carts",
        description="Own carts; with `carts.view_cart` all, filtered by user, status.",
    ),
    retrieve=extend_schema(summary="Read a cart", description=OWNER_NOTE, parameters=[SESSION_PARAMETER]),
    destroy=extend_schema(
        summary="Delete a cart (releases its reservations)", description=OWNER_NOTE, parameters=[SESSION_PARAMETER]
    ),
)
class CartViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Carts of customers and guests. Someone else's cart answers 404 for every method."""

    serializer_class = CartSerializer
    filter_backends = (FilterBackend, OrderingFilter)
    filterset_class = CartFilter
    ordering_fields = ("updated_at", "created_at")
    ordering = ("-updated_at", "-id")
    http_method_names = ("get", "post", "patch", "delete", "head", "options")

    staff_permissions = {"partial_update": "change", "clear": "change", "abandon": "change", "destroy": "delete"}

    def get_permissions(self):
        if self.action in ("list", "merge"):
            return [IsAuthenticated(), OwnedObjectPermission()]
        return [AllowAny(), OwnedObjectPermission()]

    def is_owner(self, cart) -> bool:
        if cart.user_id is not None:
            return cart.user_id == self.request.user.pk
        return cart.session_key == session_id(self.request)

    def get_queryset(self):
        queryset = cart_queryset()
        user = self.request.user
        if sees_all(user, Cart):
            return queryset
        sid = session_id(self.request)
        owner = Q(user__isnull=True, session_key=sid) if sid and self.action != "list" else Q(pk__in=[])
        if user.is_authenticated:
            owner |= Q(user=user)
        return queryset.filter(owner)

    def _answer(self, cart: Cart, code=status.HTTP_200_OK) -> Response:
        document = CartSerializer(cart_queryset().get(pk=cart.pk), context=self.get_serializer_context()).data
        return Response(document, status=code)

    @extend_schema(
        summary="The caller's open cart (created when missing)",
        description="A logged-in user's open cart, or a guest's by X-Session-Id (missing or malformed: 400).",
        parameters=[SESSION_PARAMETER],
        responses={200: CartSerializer, **problem_responses(400)},
    )
    @action(detail=False, methods=["get"])
    def current(self, request):
        if request.user.is_authenticated:
            cart = services.cart_get_or_create_open(user=request.user)
        else:
            cart = services.cart_get_or_create_open(session_key=require_session_id(request))
        return self._answer(cart)

    @extend_schema(
        summary="Change lines: add → update → remove, all or nothing",
        description=(
            f"{OWNER_NOTE} Quantities 1..999 (`update` 0 removes); products must exist and be active; at most "
            "100 changes per request and CART_MAX_LINES (50) lines per cart. A customer's cart holds up to "
            "CART_MAX_RESERVED_PER_LINE (10) units per line for CART_RESERVATION_TTL_MINUTES (30), renewed by "
            "every change; a guest's cart holds none (CART_GUEST_RESERVATION_TTL_MINUTES, 0), and units not held "
            "are checked again on every change and sold first come, first served. Too little stock: 409 "
            "`insufficient_stock` with `shortages` (and, for one product, top-level `product` and `available`). "
            "A cart that is not open: 409 `conflict`."
        ),
        parameters=[SESSION_PARAMETER],
        request=CartChangeSerializer,
        responses={
            200: CartSerializer,
            **problem_schema(409, InsufficientStockProblemSerializer),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        cart = self.get_object()
        changes = CartChangeSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        return self._answer(services.cart_apply_changes(cart=cart, **changes.validated_data))

    def perform_destroy(self, instance):
        services.cart_delete(cart=instance)

    @extend_schema(
        summary="Remove every line, keep the cart open",
        description=OWNER_NOTE,
        parameters=[SESSION_PARAMETER],
        request=None,
        responses={200: CartSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        cart = self.get_object()
        refuse_body_fields(request)
        return self._answer(services.cart_clear(cart=cart))

    @extend_schema(
        summary="Abandon the cart (releases its reservations)",
        description=OWNER_NOTE,
        parameters=[SESSION_PARAMETER],
        request=None,
        responses={200: CartSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def abandon(self, request, pk=None):
        cart = self.get_object()
        refuse_body_fields(request)
        return self._answer(services.cart_abandon(cart=cart))

    @extend_schema(
        methods=["post"],
        summary="Apply a voucher to the cart",
        description=(
            "Owner only. The code (any case) must be usable on the cart's goods now; otherwise 400 "
            "`voucher_invalid` with `reason`: unknown, expired, not_started, used_up, inactive, minimum_not_met or "
            "not_applicable, and nothing changes. It replaces any voucher the cart had."
        ),
        parameters=[SESSION_PARAMETER],
        request=VoucherApplySerializer,
        responses={200: CartSerializer, **problem_schema(400, VoucherProblemSerializer), **problem_responses(409)},
    )
    @extend_schema(
        methods=["delete"],
        summary="Remove the cart's voucher",
        description="Owner only.",
        parameters=[SESSION_PARAMETER],
        request=None,
        responses={200: CartSerializer, **problem_responses(409)},
    )
    @action(detail=True, methods=["post", "delete"])
    def voucher(self, request, pk=None):
        cart = self.get_object()
        if request.method == "DELETE":
            refuse_body_fields(request)
            return self._answer(services.cart_voucher_remove(cart=cart))
        body = VoucherApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.cart_voucher_apply(cart=cart, code=body.validated_data["code"]))

    @extend_schema(
        summary="What checkout will charge: subtotal, discount, shipping, tax, total",
        description=(
            f"{OWNER_NOTE} The destination is `country` or `shipping_address` (one of the cart owner's "
            "addresses); `shipping_method` (a code) must serve it (400 otherwise). Without a method, shipping is "
            "0 and `shipping_methods` lists the choices (checkout then requires one when there are any). The same "
            "cart, destination and method give exactly these amounts at checkout. A voucher that is not usable "
            "now gives no discount and is named in `voucher_problem`."
        ),
        parameters=[SESSION_PARAMETER, QuoteQuerySerializer],
        responses={200: CartQuoteSerializer},
    )
    @action(detail=True, methods=["get"])
    def quote(self, request, pk=None):
        cart = self.get_object()
        return Response(quote_for_request(cart, request.query_params))

    @extend_schema(
        summary="Merge the guest cart into the caller's open cart",
        description=(
            "Logged-in user with the guest's X-Session-Id (missing or malformed: 400). Quantities add, capped by "
            "available stock and 999; inactive products are dropped; the guest cart is deleted. Without a guest "
            "cart for that id the user's open cart is returned unchanged."
        ),
        parameters=[SESSION_PARAMETER],
        request=None,
        responses={200: OpenApiResponse(CartSerializer, description="The merged cart."), **problem_responses(400)},
    )
    @action(detail=False, methods=["post"])
    def merge(self, request):
        sid = require_session_id(request)
        refuse_body_fields(request)
        guest = Cart.objects.filter(user__isnull=True, session_key=sid, status=Cart.Status.OPEN).first()
        if guest is None:
            return self._answer(services.cart_get_or_create_open(user=request.user))
        return self._answer(services.cart_merge(guest_cart=guest, user=request.user))
