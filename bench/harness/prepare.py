"""What the write scenarios need, made in-process before the server starts: stock, users, carts, tokens, a session."""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from shop.accounts.models import Address, User
from shop.carts.models import Cart, CartItem
from shop.carts.services import cart_holder
from shop.catalog.models import Product, StockMovement, StockReservation
from shop.catalog.services import stock_adjust

HOT_PRODUCTS = 40
HOT_STOCK = 1_000_000
PATCH_USERS = 200


@dataclass
class Shopper:
    user_id: int
    cart_id: int
    token: str


@dataclass
class Prepared:
    hot_products: list[int] = field(default_factory=list)
    patch: dict[str, list[Shopper]] = field(default_factory=dict)  # "shop" / "limit"
    checkout: dict[str, list[Shopper]] = field(default_factory=dict)
    staff_cookie: str = ""
    run_tag: str = ""


def prepare(*, duration: float, seed: int) -> Prepared:
    """Hot products with plenty of stock (through the ledger), shoppers with open carts and tokens, a staff session.

    Checkout carts hold one to three hot products, so concurrent checkouts contend for the same rows.
    """
    rng = random.Random(seed)
    prepared = Prepared(run_tag=str(int(time.time())))
    prepared.hot_products = _hot_products()
    for side, count in (("shop", max(300, int(duration * 250))), ("limit", max(600, int(duration * 800)))):
        prepared.patch[side] = _shoppers(prepared.run_tag, f"patch-{side}", PATCH_USERS, [], rng)
        prepared.checkout[side] = _shoppers(prepared.run_tag, f"checkout-{side}", count, prepared.hot_products, rng)
    prepared.staff_cookie = _staff_session()
    return prepared


def _hot_products() -> list[int]:
    products = list(Product.objects.filter(is_active=True).order_by("id")[:HOT_PRODUCTS])
    for product in products:
        if product.stock < HOT_STOCK // 2:
            stock_adjust(product=product, delta=HOT_STOCK, reason=StockMovement.Reason.ADJUSTMENT, reference="bench")
    return [product.pk for product in products]


def _shoppers(tag: str, role: str, count: int, products: list[int], rng: random.Random) -> list[Shopper]:
    """`count` new customers, each with an open cart (with lines from `products` when given) and an access token."""
    users = User.objects.bulk_create(
        User(
            email=f"bench-{tag}-{role}-{n}@example.com",
            password=make_password(None),
            first_name="Bench",
            last_name=role,
        )
        for n in range(count)
    )
    Address.objects.bulk_create(
        Address(user=user, line1="1 Bench Road", city="Benchton", postcode="10001", country="US", is_default=True)
        for user in users
    )
    until = timezone.now() + timedelta(hours=1)
    carts = Cart.objects.bulk_create(Cart(user=user, status=Cart.Status.OPEN, expires_at=until) for user in users)
    if products:
        lines = CartItem.objects.bulk_create(
            CartItem(cart=cart, product_id=pid, quantity=1)
            for cart in carts
            for pid in rng.sample(products, k=rng.randint(1, 3))
        )
        StockReservation.objects.bulk_create(
            StockReservation(holder=cart_holder(line.cart_id), product_id=line.product_id, quantity=1, expires_at=until)
            for line in lines
        )
    return [
        Shopper(user.pk, cart.pk, str(RefreshToken.for_user(user).access_token))
        for user, cart in zip(users, carts, strict=True)
    ]


def _staff_session() -> str:
    staff, _ = User.objects.get_or_create(
        email="bench-staff@example.com",
        defaults={"is_staff": True, "is_superuser": True, "password": make_password(None)},
    )
    client = Client()
    client.force_login(staff)
    return client.cookies["sessionid"].value
