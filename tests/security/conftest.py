"""Two customers with one of everything each, a guest cart and staff: the world the OWASP tests attack."""

from dataclasses import dataclass

import pytest

from shop.accounts.models import Address, User
from shop.carts import services as cart_services
from shop.carts.models import Cart
from shop.catalog import reviews as catalog_reviews
from shop.catalog.models import Product
from shop.orders import services as order_services
from shop.orders.models import Order
from tests.conftest import with_every_permission
from tests.factories import AddressFactory, ProductFactory, StaffFactory, UserFactory

GUEST_SESSION = "guest-session-0123456789abcdef"


@dataclass
class Owned:
    user: User
    address: Address
    cart: Cart  # open, one line
    order: Order  # pending


@dataclass
class World:
    alice: Owned
    bob: Owned
    staff: User
    product: Product
    guest_cart: Cart


def _owned(product: Product) -> Owned:
    user = UserFactory()
    address = AddressFactory(user=user, is_default=True)
    first = cart_services.cart_get_or_create_open(user=user)
    cart_services.cart_apply_changes(cart=first, add=[{"product": product.pk, "quantity": 1}])
    order = order_services.order_place(cart=first, by=user)
    cart = cart_services.cart_get_or_create_open(user=user)
    cart_services.cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 1}])
    catalog_reviews.review_submit(product=product, user=user, rating=4)
    return Owned(user=user, address=address, cart=cart, order=order)


@pytest.fixture
def world(db) -> World:
    product = ProductFactory(stock=50)
    guest_cart = cart_services.cart_get_or_create_open(session_key=GUEST_SESSION)
    cart_services.cart_apply_changes(cart=guest_cart, add=[{"product": product.pk, "quantity": 2}])
    return World(
        alice=_owned(product),
        bob=_owned(product),
        staff=with_every_permission(StaffFactory()),
        product=product,
        guest_cart=guest_cart,
    )
