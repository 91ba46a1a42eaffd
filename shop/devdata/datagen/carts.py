"""Open and abandoned carts with items. They hold no stock reservations (their `expires_at` lies in the past)."""

import random
from datetime import timedelta

from shop.carts.models import Cart, CartItem
from shop.devdata.datagen.base import SALES_SPAN, SALES_START, Progress, batch_transaction, chunked, insert, spread
from shop.devdata.datagen.catalog import CatalogState
from shop.devdata.datagen.people import PeopleState

RESERVATION = timedelta(minutes=30)
GUEST_SHARE = 0.1
OPEN_SHARE = 0.4


def create_carts(
    *,
    rng: random.Random,
    count: int,
    catalog: CatalogState,
    people: PeopleState,
    seed: int,
    batch_size: int,
    progress: Progress,
) -> None:
    """Per batch, in one transaction: the carts, then their one to four items (distinct products).

    Cart `n` belongs to user `n % users`, and only a user's first cart (n < users) may be open, which
    keeps the "one open cart per user" constraint; a tenth are guest carts with unique session keys.
    """
    if not catalog.active:
        raise ValueError("carts need at least one active product")
    for numbers in chunked(count, batch_size):
        carts = [_cart(rng, n, count, people, seed) for n in numbers]
        with batch_transaction():
            insert(Cart, carts, batch_size)
            insert(CartItem, [item for cart in carts for item in _items(rng, cart, catalog)], batch_size)
        progress.advance(len(carts))


def _cart(rng: random.Random, n: int, count: int, people: PeopleState, seed: int) -> Cart:
    stamp = spread(SALES_START, SALES_SPAN, n, count)
    is_open = rng.random() < OPEN_SHARE
    if not people.ids or rng.random() < GUEST_SHARE:
        user_id, session_key = None, f"generated-{seed}-guest-{n + 1:09d}"
    else:
        user_id, session_key = people.ids[n % len(people.ids)], None
        is_open = is_open and n < len(people.ids)
    return Cart(
        user_id=user_id,
        session_key=session_key,
        status=Cart.Status.OPEN if is_open else Cart.Status.ABANDONED,
        expires_at=stamp + RESERVATION if is_open else None,
        created_at=stamp,
        updated_at=stamp,
    )


def _items(rng: random.Random, cart: Cart, catalog: CatalogState) -> list[CartItem]:
    picks = rng.sample(catalog.active, k=min(len(catalog.active), rng.randint(1, 4)))
    return [
        CartItem(
            cart_id=cart.pk,
            product_id=catalog.ids[index],
            quantity=rng.randint(1, 3),
            created_at=cart.created_at,
            updated_at=cart.updated_at,
        )
        for index in picks
    ]
