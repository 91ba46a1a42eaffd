from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from shop.carts import services
from shop.carts.api.filters import CartFilter
from shop.carts.api.serializers import CartChangeSerializer, CartSerializer
from shop.carts.api.session import SESSION_PARAMETER, require_session_id, session_id
from shop.carts.models import Cart, CartItem
from shop.core.filters import FilterBackend, OrderingFilter
from shop.core.permissions import is_staff
from shop.core.schema import InsufficientStockProblemSerializer, problem_responses, problem_schema
from shop.core.serializers import refuse_body_fields

OWNER_NOTE = "Owner (the cart's user, or the guest presenting its X-Session-Id) or staff; others get 404."


def cart_queryset():
    items = CartItem.objects.select_related("product").order_by("id")
    return Cart.objects.prefetch_related(Prefetch("items", queryset=items))


@extend_schema_view(
    list=extend_schema(summary="List carts", description="Own carts; staff see all and may filter by user, status."),
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

    def get_permissions(self):
        if self.action in ("list", "merge"):
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_queryset(self):
        queryset = cart_queryset()
        user = self.request.user
        if is_staff(user):
            return queryset
        sid = session_id(self.request)
        owner = Q(user__isnull=True, session_key=sid) if sid and self.action != "list" else Q(pk__in=[])
        if user.is_authenticated:
            owner |= Q(user=user)
        return queryset.filter(owner)

    def _answer(self, cart: Cart, code=status.HTTP_200_OK) -> Response:
        return Response(CartSerializer(cart_queryset().get(pk=cart.pk)).data, status=code)

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
            "100 changes per request and CART_MAX_LINES (50) lines per cart. Every line's reservation is renewed. "
            "Too little stock: 409 `insufficient_stock` with `shortages` (and, for one product, top-level "
            "`product` and `available`). A cart that is not open: 409 `conflict`."
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
