"""/fakestore/: FakeStore's API over the live catalog (see ../shared/API.md, "FakeStore-compatible API").

Bare JSON arrays and documents, integer ids, no authentication, no pagination. The writes are FakeStore's
sandbox: they validate the body and echo it with an id, and change nothing in the shop, for anyone.
Errors are the shop's problem documents (JSON). FAKESTORE_API decides what answers: `catalog` (products,
categories, login), `demo` (also customers and their carts), `off` (nothing: 404).
"""

import re

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.accounts.lockout import raise_if_locked_out
from shop.core.throttling import ScopedRateThrottle, SecondScopeRateThrottle
from shop.fakestore import selectors, services
from shop.fakestore.api import serializers
from shop.fakestore.documents import cart_document, product_document, user_document

INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
MAX_ID_DIGITS = len(str(serializers.MAX_ID))
BAD_CREDENTIALS = "username or password is incorrect"


def _id(raw: str) -> int:
    """A path id: not an integer is a 400, an integer no row can have a 404."""
    if not INTEGER.fullmatch(raw):
        raise ValidationError({"id": ["An id is an integer."]})
    pk = int(raw) if len(raw) <= MAX_ID_DIGITS else 0
    if not 1 <= pk <= serializers.MAX_ID:
        raise NotFound()
    return pk


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _query(serializer_class, request) -> dict:
    """The query parameters the serializer knows (others, such as a cache buster, are no business of ours)."""
    params = request.query_params
    return _validated(serializer_class, {name: params[name] for name in serializer_class().fields if name in params})


def _echo(serializer_class, request, *, pk: int) -> Response:
    """FakeStore's answer to a write: the validated body with an id. Nothing is stored."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response({"id": pk, **serializer.data})


@extend_schema(exclude=True)  # FakeStore's own documentation describes these paths; /api/v1/schema/ does not
class FakeStoreView(APIView):
    """No authentication (a stale Authorization header is ignored), the `fakestore` throttle scope."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "fakestore"
    demo_only = False

    def initial(self, request, *args, **kwargs):
        mode = settings.FAKESTORE_API
        if mode == "off" or (self.demo_only and mode != "demo"):
            raise NotFound("No resource at this address.")
        super().initial(request, *args, **kwargs)

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'  # a 401 stays a 401 (DRF turns it into 403 without this header)


class ListMixin:
    """GET: the rows (`rows(params, **path)`) by id, `sort=asc|desc`, at most `limit`."""

    query_serializer = serializers.ListQuerySerializer

    def get(self, request, **kwargs):
        params = _query(self.query_serializer, request)
        rows = selectors.ordered(self.rows(params, **kwargs), sort=params["sort"], limit=params.get("limit"))
        return Response([self.document(row) for row in rows])


class CreateEchoMixin:
    def post(self, request):
        return _echo(self.write_serializer, request, pk=self.next_id())


class ItemMixin:
    """GET the document; PUT and PATCH echo the body with the path id; DELETE answers the document as it
    stands (FakeStore's "deleted" item). An unknown id is a 404 for every method."""

    def found(self, raw_pk: str):
        row = self.get_row(_id(raw_pk))
        if row is None:
            raise NotFound()
        return row

    def get(self, request, pk):
        return Response(self.document(self.found(pk)))

    def put(self, request, pk):
        return _echo(self.write_serializer, request, pk=self.found(pk).pk)

    patch = put

    def delete(self, request, pk):
        return Response(self.document(self.found(pk)))


# --- catalog ---------------------------------------------------------------------------------------


class ProductResource:
    write_serializer = serializers.ProductWriteSerializer

    def document(self, product):
        return product_document(product, request=self.request)

    def rows(self, params, **kwargs):
        return selectors.product_list()

    def next_id(self) -> int:
        return selectors.next_product_id()

    def get_row(self, pk: int):
        return selectors.product_get(pk=pk)


class ProductsView(ProductResource, ListMixin, CreateEchoMixin, FakeStoreView):
    pass


class ProductView(ProductResource, ItemMixin, FakeStoreView):
    pass


class CategoriesView(FakeStoreView):
    def get(self, request):
        return Response(selectors.category_names())


class CategoryProductsView(ProductResource, ListMixin, FakeStoreView):
    def rows(self, params, *, name: str):
        return selectors.product_list(category_name=name)


class LoginView(FakeStoreView):
    """`{username, password}` (the username or the email) → `{token}`, an access token for /api/v1/. Counted
    against the `auth` rate too, and by the login lock-out like every login."""

    throttle_classes = (ScopedRateThrottle, SecondScopeRateThrottle)
    second_throttle_scope = "auth"

    def post(self, request):
        credentials = _validated(serializers.LoginSerializer, request.data)
        token = services.login_token(request=request, login=credentials["username"], password=credentials["password"])
        if token is None:
            raise_if_locked_out(request)
            raise AuthenticationFailed(BAD_CREDENTIALS, "no_active_account")
        return Response({"token": token})


# --- demo mode: customers and carts ----------------------------------------------------------------


class UserResource:
    demo_only = True
    document = staticmethod(user_document)
    write_serializer = serializers.UserWriteSerializer

    def rows(self, params, **kwargs):
        return selectors.user_list()

    def next_id(self) -> int:
        return selectors.next_user_id()

    def get_row(self, pk: int):
        return selectors.user_get(pk=pk)


class UsersView(UserResource, ListMixin, CreateEchoMixin, FakeStoreView):
    pass


class UserView(UserResource, ItemMixin, FakeStoreView):
    pass


class CartResource:
    demo_only = True
    document = staticmethod(cart_document)
    write_serializer = serializers.CartWriteSerializer
    query_serializer = serializers.CartListQuerySerializer

    def rows(self, params, **kwargs):
        return selectors.cart_list(start=params.get("startdate"), end=params.get("enddate"))

    def next_id(self) -> int:
        return selectors.next_cart_id()

    def get_row(self, pk: int):
        return selectors.cart_get(pk=pk)


class CartsView(CartResource, ListMixin, CreateEchoMixin, FakeStoreView):
    pass


class CartView(CartResource, ItemMixin, FakeStoreView):
    pass


class UserCartsView(CartResource, ListMixin, FakeStoreView):
    def rows(self, params, *, pk: str):
        user = selectors.user_get(pk=_id(pk))
        if user is None:
            raise NotFound()
        return selectors.cart_list(user=user, start=params.get("startdate"), end=params.get("enddate"))


class NotFoundView(FakeStoreView):
    """Any other path under /fakestore/, for any method: a 404 problem document (not Django's HTML page)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound("No resource at this address.")
