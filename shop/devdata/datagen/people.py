"""Customers and their addresses. One password hash is computed once and shared by every generated user."""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password

from shop.accounts.models import Address, User
from shop.devdata.datagen.base import CATALOG_START, Progress, batch_transaction, chunked, insert, spread
from shop.devdata.datagen.words import CITIES, FIRST_NAMES, LAST_NAMES, STREETS

JOIN_SPAN = timedelta(days=700)


@dataclass
class PeopleState:
    """User ids, and per user the shipping copy of the default address (name, line1, city, postcode, country)."""

    ids: list[int] = field(default_factory=list)
    shipping: list[dict] = field(default_factory=list)


def email_for(n: int) -> str:
    return f"user{n + 1}@generated.shop.test"


def create_users(
    *, rng: random.Random, count: int, password: str, seed: int, batch_size: int, progress: Progress
) -> PeopleState:
    """Per batch, in one transaction: the users, then one or two addresses each (the first is the default).

    PBKDF2 takes about a second per hash by design, so the hash is made once (salt from the seed,
    for determinism) and every user gets the same one: all of them log in with `password`.
    """
    state = PeopleState()
    password_hash = make_password(password, salt=_salt(seed))
    for numbers in chunked(count, batch_size):
        users = [_user(rng, n, count, password_hash) for n in numbers]
        with batch_transaction():
            insert(User, users, batch_size)
            addresses = [address for user in users for address in _addresses(rng, user)]
            insert(Address, addresses, batch_size)
        _remember(state, users, addresses)
        progress.advance(len(users))
    return state


def _salt(seed: int) -> str:
    """Long enough (32 chars) that Django's hasher never asks to re-salt it on login."""
    return hashlib.sha256(f"generate_data:{seed}".encode()).hexdigest()[:32]


def _user(rng: random.Random, n: int, count: int, password_hash: str) -> User:
    return User(
        email=email_for(n),
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        password=password_hash,
        date_joined=spread(CATALOG_START, JOIN_SPAN, n, count),
        is_active=True,
    )


def _addresses(rng: random.Random, user: User) -> list[Address]:
    rows = []
    for i in range(rng.choice((1, 1, 1, 2))):
        city, country = rng.choice(CITIES)
        rows.append(
            Address(
                user_id=user.pk,
                label=("Home", "Work")[i],
                line1=f"{rng.randint(1, 999)} {rng.choice(STREETS)} Street",
                city=city,
                postcode=f"{rng.randint(10000, 99999)}",
                country=country,
                is_default=i == 0,
                created_at=user.date_joined,
                updated_at=user.date_joined,
            )
        )
    return rows


def _remember(state: PeopleState, users: list[User], addresses: list[Address]) -> None:
    defaults = {a.user_id: a for a in addresses if a.is_default}
    for user in users:
        address = defaults[user.pk]
        state.ids.append(user.pk)
        state.shipping.append(
            {
                "shipping_name": f"{user.first_name} {user.last_name}",
                "shipping_line1": address.line1,
                "shipping_city": address.city,
                "shipping_postcode": address.postcode,
                "shipping_country": address.country,
            }
        )
