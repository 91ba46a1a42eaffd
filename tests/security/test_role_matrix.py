"""Every route of /api/v1/ and /fakestore/ x every role: the status class each role gets (API.md, "Staff roles").

The routes are read from the URL configuration (`api_routes`), not listed by hand: a new route or method
shows up here as a failing case until EXPECTED says what each role gets. Objects in paths belong to
someone else (a customer, "the victim"); calls that only make sense for the caller (login, `me`,
`carts/current`) use the caller's own. Bodies are valid, so an allowed call answers 2xx.
"""

from dataclasses import dataclass, field
from uuid import uuid4

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from shop import api_urls
from shop.accounts.models import User
from shop.carts import services as cart_services
from shop.catalog import reviews as catalog_reviews
from shop.catalog.wishlist import wishlist_add
from shop.fakestore.api import urls as fakestore_urls
from shop.orders import services as order_services
from shop.payments.services import payment_record_manual
from tests.accounts.utils import refresh_for
from tests.catalog.image_files import png_upload
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ShippingMethodFactory,
    StaffFactory,
    TaxRateFactory,
    UserFactory,
    VoucherFactory,
    attribute_with_values,
)
from tests.payments.stripe_fake import WEBHOOK_SECRET, signed_header

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "customer", "catalog manager", "order manager", "superuser")
GROUPS = {"catalog manager": "Catalog managers", "order manager": "Order managers"}


def api_routes() -> list[tuple[str, str]]:
    """(url name, method) of every view under /api/v1/ (shop.api_urls: router and plain paths) and /fakestore/."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                found.update((pattern.name, method) for method in _methods(pattern.callback))

    walk(api_urls.urlpatterns)
    walk(fakestore_urls.urlpatterns)
    return sorted(found)


def _methods(callback) -> set[str]:
    if getattr(callback, "actions", None):  # a viewset route: {method: action}
        methods = set(callback.actions)
    else:
        view = getattr(callback, "view_class", None) or callback.cls
        methods = {name for name in view.http_method_names if hasattr(view, name)}
    return methods - {"head", "options"}


def each(anonymous, customer, catalog, orders, superuser) -> dict:
    return dict(zip(ROLES, (anonymous, customer, catalog, orders, superuser), strict=True))


OK = "2xx"
EVERYONE = each(OK, OK, OK, OK, OK)
SIGNED_IN = each("401", OK, OK, OK, OK)
CATALOG_WRITE = each("401", "403", OK, "403", OK)
#: someone else's user/address: order managers see customers (view_) but do not change them
CUSTOMER_READ = each("401", "404", "404", OK, OK)
CUSTOMER_WRITE = each("401", "404", "404", "403", OK)
#: someone else's cart or order: order managers act on them too
ORDER_DESK = each("401", "404", "404", OK, OK)
GUEST_OPEN_CART = each("404", "404", "404", OK, OK)  # carts answer guests too: no 401, a 404
MODERATORS = each("401", "403", OK, "403", OK)  # catalog managers hold view_review and moderate_review
NOBODY = each("404", "404", "404", "404", "404")  # FakeStore's demo-only paths in the default `catalog` mode
#: tax rates and vouchers: catalog managers manage them, order managers read them (to explain orders)
PRICING_READ = each("401", "403", OK, OK, OK)
OWNER_ONLY_CART = each("404", "404", "404", "403", "403")  # staff who see the cart may not act as its owner

EXPECTED = {
    ("api-root", "get"): EVERYONE,
    ("schema", "get"): EVERYONE,
    ("swagger-ui", "get"): EVERYONE,
    ("redoc", "get"): EVERYONE,
    ("auth-register", "post"): EVERYONE,
    ("auth-login", "post"): EVERYONE,
    ("auth-refresh", "post"): EVERYONE,
    ("auth-verify", "post"): EVERYONE,
    ("auth-logout", "post"): SIGNED_IN,
    ("auth-logout-all", "post"): SIGNED_IN,
    ("auth-me", "get"): SIGNED_IN,
    ("auth-me", "patch"): SIGNED_IN,
    ("auth-password-change", "post"): SIGNED_IN,
    ("auth-password-reset", "post"): EVERYONE,
    ("auth-password-reset-confirm", "post"): EVERYONE,
    ("user-list", "get"): each("401", "403", "403", OK, OK),
    ("user-list", "post"): each("401", "403", "403", "403", OK),
    ("user-detail", "get"): CUSTOMER_READ,
    ("user-detail", "put"): CUSTOMER_WRITE,
    ("user-detail", "patch"): CUSTOMER_WRITE,
    ("user-detail", "delete"): CUSTOMER_WRITE,
    ("address-list", "get"): SIGNED_IN,
    ("address-list", "post"): SIGNED_IN,
    ("address-detail", "get"): CUSTOMER_READ,
    ("address-detail", "put"): CUSTOMER_WRITE,
    ("address-detail", "patch"): CUSTOMER_WRITE,
    ("address-detail", "delete"): CUSTOMER_WRITE,
    ("attribute-list", "get"): EVERYONE,
    ("attribute-list", "post"): CATALOG_WRITE,
    ("attribute-detail", "get"): EVERYONE,
    ("attribute-detail", "put"): CATALOG_WRITE,
    ("attribute-detail", "patch"): CATALOG_WRITE,
    ("attribute-detail", "delete"): CATALOG_WRITE,
    ("category-list", "get"): EVERYONE,
    ("category-list", "post"): CATALOG_WRITE,
    ("category-detail", "get"): EVERYONE,
    ("category-detail", "put"): CATALOG_WRITE,
    ("category-detail", "patch"): CATALOG_WRITE,
    ("category-detail", "delete"): CATALOG_WRITE,
    ("product-list", "get"): EVERYONE,
    ("product-list", "post"): CATALOG_WRITE,
    ("product-detail", "get"): EVERYONE,
    ("product-detail", "put"): CATALOG_WRITE,
    ("product-detail", "patch"): CATALOG_WRITE,
    ("product-detail", "delete"): CATALOG_WRITE,
    ("product-rating", "get"): EVERYONE,
    ("product-rating", "post"): SIGNED_IN,
    ("product-rating", "delete"): SIGNED_IN,
    ("product-reviews", "get"): EVERYONE,
    ("product-reviews", "post"): SIGNED_IN,
    ("product-my-review", "delete"): SIGNED_IN,
    ("product-image-list", "get"): EVERYONE,
    ("product-image-list", "post"): CATALOG_WRITE,
    ("product-image-detail", "patch"): CATALOG_WRITE,
    ("product-image-detail", "delete"): CATALOG_WRITE,
    ("review-list", "get"): MODERATORS,
    ("review-moderate", "post"): MODERATORS,
    ("wishlist-list", "get"): SIGNED_IN,
    ("wishlist-list", "post"): SIGNED_IN,
    ("wishlist-detail", "delete"): SIGNED_IN,
    ("cart-list", "get"): SIGNED_IN,
    ("cart-current", "get"): EVERYONE,
    ("cart-merge", "post"): SIGNED_IN,
    ("cart-detail", "get"): GUEST_OPEN_CART,
    ("cart-detail", "patch"): GUEST_OPEN_CART,
    ("cart-detail", "delete"): GUEST_OPEN_CART,
    ("cart-clear", "post"): GUEST_OPEN_CART,
    ("cart-abandon", "post"): GUEST_OPEN_CART,
    ("cart-voucher", "post"): OWNER_ONLY_CART,
    ("cart-voucher", "delete"): OWNER_ONLY_CART,
    ("cart-quote", "get"): GUEST_OPEN_CART,
    ("shipping-method-list", "get"): EVERYONE,
    ("shipping-method-list", "post"): CATALOG_WRITE,
    ("shipping-method-detail", "get"): EVERYONE,
    ("shipping-method-detail", "put"): CATALOG_WRITE,
    ("shipping-method-detail", "patch"): CATALOG_WRITE,
    ("shipping-method-detail", "delete"): CATALOG_WRITE,
    ("tax-rate-list", "get"): PRICING_READ,
    ("tax-rate-list", "post"): CATALOG_WRITE,
    ("tax-rate-detail", "get"): PRICING_READ,
    ("tax-rate-detail", "put"): CATALOG_WRITE,
    ("tax-rate-detail", "patch"): CATALOG_WRITE,
    ("tax-rate-detail", "delete"): CATALOG_WRITE,
    ("voucher-list", "get"): PRICING_READ,
    ("voucher-list", "post"): CATALOG_WRITE,
    ("voucher-detail", "get"): PRICING_READ,
    ("voucher-detail", "put"): CATALOG_WRITE,
    ("voucher-detail", "patch"): CATALOG_WRITE,
    ("voucher-detail", "delete"): CATALOG_WRITE,
    ("cart-checkout", "post"): each("401", "404", "404", "404", "404"),  # only the owner checks out
    ("order-list", "get"): SIGNED_IN,
    ("order-detail", "get"): ORDER_DESK,
    ("order-cancel", "post"): ORDER_DESK,
    ("order-set-status", "post"): ORDER_DESK,
    # /fakestore/: no authentication at all, writes change nothing
    ("fakestore-products", "get"): EVERYONE,
    ("fakestore-products", "post"): EVERYONE,
    ("fakestore-product", "get"): EVERYONE,
    ("fakestore-product", "put"): EVERYONE,
    ("fakestore-product", "patch"): EVERYONE,
    ("fakestore-product", "delete"): EVERYONE,
    ("fakestore-categories", "get"): EVERYONE,
    ("fakestore-category-products", "get"): EVERYONE,
    ("fakestore-login", "post"): EVERYONE,
    ("fakestore-users", "get"): NOBODY,
    ("fakestore-users", "post"): NOBODY,
    ("fakestore-user", "get"): NOBODY,
    ("fakestore-user", "put"): NOBODY,
    ("fakestore-user", "patch"): NOBODY,
    ("fakestore-user", "delete"): NOBODY,
    ("fakestore-carts", "get"): NOBODY,
    ("fakestore-carts", "post"): NOBODY,
    ("fakestore-cart", "get"): NOBODY,
    ("fakestore-cart", "put"): NOBODY,
    ("fakestore-cart", "patch"): NOBODY,
    ("fakestore-cart", "delete"): NOBODY,
    ("fakestore-user-carts", "get"): NOBODY,
    ("order-payments", "get"): ORDER_DESK,
    ("order-payments", "post"): each("401", "404", "404", "404", "404"),  # only the customer pays
    ("order-payment-manual", "post"): ORDER_DESK,
    ("order-refunds", "get"): ORDER_DESK,
    ("order-refunds", "post"): ORDER_DESK,
    ("stripe-webhook", "post"): EVERYONE,  # the signature is the credential
    ("order-shipments", "post"): ORDER_DESK,  # order managers hold add_shipment
    ("order-invoice", "get"): ORDER_DESK,  # and download_invoice
}


@dataclass
class World:
    victim: User
    callers: dict
    objects: dict = field(default_factory=dict)


@pytest.fixture
def world(db, settings) -> World:
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_matrix", WEBHOOK_SECRET
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    product = ProductFactory(stock=50)
    victim = UserFactory()
    address = AddressFactory(user=victim, is_default=True)
    ordered = cart_services.cart_get_or_create_open(user=victim)
    cart_services.cart_apply_changes(cart=ordered, add=[{"product": product.pk, "quantity": 1}])
    order = order_services.order_place(cart=ordered, by=victim)
    paid = cart_services.cart_get_or_create_open(user=victim)
    cart_services.cart_apply_changes(cart=paid, add=[{"product": product.pk, "quantity": 1}])
    paid = order_services.order_place(cart=paid, by=victim)
    payment_record_manual(order=paid, by=StaffFactory(is_superuser=True))
    cart = cart_services.cart_get_or_create_open(user=victim)
    cart_services.cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 1}])
    callers = {"anonymous": None, "customer": UserFactory(), "superuser": StaffFactory(is_superuser=True)}
    for role, group in GROUPS.items():
        callers[role] = StaffFactory()
        callers[role].groups.add(Group.objects.get(name=group))
    objects = {
        "product": product,
        "spare_product": ProductFactory(stock=0),
        "customer without orders": UserFactory(),
        "category": CategoryFactory(),
        "attribute": attribute_with_values("size", ["s", "m"]),
        "address": address,
        "cart": cart,
        "order": order,
        "paid order": paid,
        "review": catalog_reviews.review_submit(product=product, user=victim, rating=2, title="Meh")[0],
        "shipping": ShippingMethodFactory(code="standard"),
        "tax": TaxRateFactory(country="US"),
        "voucher": VoucherFactory(code="SAVE"),
        "image": ProductImageFactory(product=product, is_primary=True),
    }
    return World(victim=victim, callers=callers, objects=objects)


@dataclass
class Call:
    kwargs: dict = field(default_factory=dict)
    body: dict | None = None
    headers: dict = field(default_factory=dict)
    format: str = "json"


def _guest_session(world) -> str:
    session = f"guest-{uuid4().hex}"
    guest = cart_services.cart_get_or_create_open(session_key=session)
    cart_services.cart_apply_changes(cart=guest, add=[{"product": world.objects["product"].pk, "quantity": 1}])
    return session


def _reset_pair(user) -> dict:
    return {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


ADDRESS = {"label": "Work", "line1": "1 Main St", "city": "Oslo", "postcode": "0150", "country": "NO"}


def _call(route: tuple[str, str], world: World, me: User | None) -> Call:
    """The request for `route` made by `me` (None: anonymous). `someone` is the caller or, for an
    anonymous caller, the victim (public calls that need an account: login, refresh, reset)."""
    name, method = route
    objects, someone = world.objects, me or world.victim
    victim, product, spare = world.victim, objects["product"], objects["spare_product"]
    calls = {
        ("auth-register", "post"): lambda: Call(body={"email": f"{uuid4().hex}@example.com", "password": PASSWORD}),
        ("auth-login", "post"): lambda: Call(body={"email": someone.email, "password": PASSWORD}),
        ("auth-refresh", "post"): lambda: Call(body={"refresh": refresh_for(someone)}),
        ("auth-verify", "post"): lambda: Call(body={"token": refresh_for(someone)}),
        ("auth-logout", "post"): lambda: Call(body={"refresh": refresh_for(someone)}),
        ("auth-me", "patch"): lambda: Call(body={"first_name": "Renamed"}),
        ("auth-password-change", "post"): lambda: Call(
            body={"old_password": PASSWORD, "new_password": "a-new-secret-passphrase-9"}
        ),
        ("auth-password-reset", "post"): lambda: Call(body={"email": someone.email}),
        ("auth-password-reset-confirm", "post"): lambda: Call(
            body={**_reset_pair(someone), "new_password": "a-new-secret-passphrase-9"}
        ),
        ("user-list", "post"): lambda: Call(body={"email": f"{uuid4().hex}@example.com", "password": PASSWORD}),
        ("user-detail", "put"): lambda: Call(
            body={"email": victim.email, "first_name": "A", "last_name": "B", "phone": "1", "is_staff": False}
        ),
        ("user-detail", "patch"): lambda: Call(body={"first_name": "Renamed"}),
        ("address-list", "post"): lambda: Call(body=ADDRESS),
        ("address-detail", "put"): lambda: Call(body=ADDRESS),
        ("address-detail", "patch"): lambda: Call(body={"city": "Bergen"}),
        ("attribute-list", "post"): lambda: Call(body={"name": "Fit", "slug": f"fit-{uuid4().hex[:8]}"}),
        ("attribute-detail", "put"): lambda: Call(body={"name": "Renamed", "slug": "renamed", "values": []}),
        ("attribute-detail", "patch"): lambda: Call(body={"name": "Renamed"}),
        ("category-list", "post"): lambda: Call(body={"name": "New", "slug": f"new-{uuid4().hex[:8]}"}),
        ("category-detail", "put"): lambda: Call(body={"name": "Renamed", "slug": "renamed"}),
        ("category-detail", "patch"): lambda: Call(body={"name": "Renamed"}),
        ("product-list", "post"): lambda: Call(body={"sku": "NEW-1", "slug": "new-1", "title": "New", "price": "1.00"}),
        ("product-detail", "put"): lambda: Call(
            body={"sku": spare.sku, "slug": spare.slug, "title": "T", "price": "2"}
        ),
        ("product-detail", "patch"): lambda: Call(body={"price": "0.01"}),
        ("product-rating", "post"): lambda: Call(body={"value": 4}),
        ("product-rating", "delete"): lambda: _rated(product, me),
        ("product-reviews", "post"): lambda: Call(body={"rating": 5, "title": "Great"}),
        ("product-my-review", "delete"): lambda: _rated(product, me),
        ("review-moderate", "post"): lambda: Call(body={"status": "approved"}),
        ("product-image-list", "post"): lambda: Call(body={"file": png_upload()}, format="multipart"),
        ("product-image-detail", "patch"): lambda: Call(body={"alt": "Side view"}),
        ("wishlist-list", "post"): lambda: Call(body={"product": product.pk}),
        ("wishlist-detail", "delete"): lambda: _wished(product, me),
        ("cart-current", "get"): lambda: Call(headers={"HTTP_X_SESSION_ID": f"guest-{uuid4().hex}"}),
        ("cart-merge", "post"): lambda: Call(headers={"HTTP_X_SESSION_ID": _guest_session(world)}),
        ("cart-detail", "patch"): lambda: Call(body={"update": [{"product": product.pk, "quantity": 2}]}),
        ("cart-checkout", "post"): lambda: Call(body={"shipping_address": objects["address"].pk}),
        ("order-set-status", "post"): lambda: Call(body={"status": "paid"}),
        ("fakestore-products", "post"): lambda: Call(body={"title": "New", "price": 1}),
        ("fakestore-product", "put"): lambda: Call(body={"title": "Renamed"}),
        ("fakestore-product", "patch"): lambda: Call(body={"price": 0.01}),
        ("fakestore-login", "post"): lambda: Call(body={"username": someone.email, "password": PASSWORD}),
        ("cart-voucher", "post"): lambda: Call(body={"code": "save"}),
        ("shipping-method-list", "post"): lambda: Call(
            body={"code": f"m-{uuid4().hex[:8]}", "name": "M", "price": "1"}
        ),
        ("shipping-method-detail", "put"): lambda: Call(body={"code": "standard", "name": "Standard", "price": "5"}),
        ("shipping-method-detail", "patch"): lambda: Call(body={"price": "5.00"}),
        ("tax-rate-list", "post"): lambda: Call(body={"country": "DE", "rate": "0.19"}),
        ("tax-rate-detail", "put"): lambda: Call(body={"country": "US", "rate": "0.1", "name": "Tax"}),
        ("tax-rate-detail", "patch"): lambda: Call(body={"rate": "0.05"}),
        ("voucher-list", "post"): lambda: Call(body={"code": f"V{uuid4().hex[:8]}", "kind": "fixed", "value": "1"}),
        ("voucher-detail", "put"): lambda: Call(body={"code": "SAVE", "kind": "percent", "value": "5"}),
        ("voucher-detail", "patch"): lambda: Call(body={"value": "3.00"}),
        ("order-payments", "post"): lambda: Call(body={"provider": "manual"}),
        ("order-payment-manual", "post"): lambda: Call(body={"amount": str(objects["order"].total)}),
        ("order-refunds", "post"): lambda: Call(body={"amount": "1.00", "reason": "Goodwill"}),
        ("stripe-webhook", "post"): _stripe_event,
        ("order-shipments", "post"): lambda: _paid(world, Call(body={"carrier": "DHL", "tracking_number": "1"})),
        ("order-invoice", "get"): lambda: _paid(world, Call()),
    }
    call = calls.get(route, Call)()
    call.kwargs = _path_kwargs(name, method, world)
    return call


def _stripe_event() -> Call:
    """A signed event about a PaymentIntent the shop does not know: answered 200, changes nothing."""
    event = {"id": f"evt_{uuid4().hex}", "object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}}
    body = JSONRenderer().render(event).decode()  # what the test client sends for format="json"
    return Call(body=event, headers={"HTTP_STRIPE_SIGNATURE": signed_header(body)})


def _paid(world, call: Call) -> Call:
    """Shipments and invoices are for paid orders."""
    order_services.order_set_status(order=world.objects["order"], status="paid", by=world.callers["superuser"])
    return call


def _rated(product, me) -> Call:
    if me is not None:
        catalog_reviews.review_submit(product=product, user=me, rating=3)
    return Call()


def _wished(product, me) -> Call:
    if me is not None:
        wishlist_add(user=me, product=product)
    return Call()


def _path_kwargs(name: str, method: str, world: World) -> dict:
    """Which object a detail route is called on: the victim's, or (to change or delete) ones that may be:
    a product without history, a customer without orders."""
    objects = world.objects
    targets = {
        "user": objects["customer without orders"] if method == "delete" else world.victim,
        "address": objects["address"],
        "category": objects["category"],
        "attribute": objects["attribute"],
        "product": objects["spare_product"] if name == "product-detail" and method != "get" else objects["product"],
        "cart": objects["cart"],
        "order": objects["order"],
        "review": objects["review"],
        "shipping": objects["shipping"],
        "tax": objects["tax"],
        "voucher": objects["voucher"],
    }
    prefix = name.split("-")[0]
    if prefix == "fakestore":
        return _fakestore_kwargs(name, world)
    if name == "order-refunds" and method == "post":
        return {"pk": objects["paid order"].pk}
    if name == "wishlist-detail":
        return {"product_id": objects["product"].pk}
    if name.startswith("product-image-"):
        image = objects["image"]
        return {"product_pk": image.product_id, **({"pk": image.pk} if name.endswith("-detail") else {})}
    if name.endswith(("-list", "-current", "-merge")) or prefix not in targets:
        return {}
    return {"pk": targets[prefix].pk}


def _fakestore_kwargs(name: str, world: World) -> dict:
    objects = world.objects
    targets = {
        "fakestore-product": objects["product"],
        "fakestore-user": world.victim,
        "fakestore-user-carts": world.victim,
        "fakestore-cart": objects["cart"],
    }
    if name == "fakestore-category-products":
        return {"name": objects["category"].name}
    return {"pk": targets[name].pk} if name in targets else {}


def status_class(code: int) -> str:
    return OK if 200 <= code < 300 else str(code)


ROUTES = api_routes()


def test_the_matrix_names_every_route_and_no_other():
    assert set(EXPECTED) == set(ROUTES), {
        "routes without an expectation": sorted(set(ROUTES) - set(EXPECTED)),
        "expectations without a route": sorted(set(EXPECTED) - set(ROUTES)),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[f"{method.upper()} {name}" for name, method in ROUTES])
def test_each_role_gets_the_status_the_contract_gives_it(world, route, role):
    assert route in EXPECTED, f"{route}: add what each role gets to EXPECTED"
    me = world.callers[role]
    call = _call(route, world, me)
    client = client_for(me) if me is not None else APIClient()
    name, method = route
    response = getattr(client, method)(reverse(name, kwargs=call.kwargs), call.body, format=call.format, **call.headers)
    assert status_class(response.status_code) == EXPECTED[route][role], (role, route, response.content[:300])
