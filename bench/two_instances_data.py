"""What the two-instance load needs, made in-process (after generate_data) before the servers start: a staff
member and customers with a password, scarce and plentiful products (their stock through the ledger)."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from rest_framework_simplejwt.tokens import AccessToken

from shop.accounts.models import Address, User
from shop.catalog.models import Product, StockMovement
from shop.catalog.services import stock_set

SCARCE_PRODUCTS, SCARCE_STOCK = 6, 5
PLENTIFUL_PRODUCTS, PLENTIFUL_STOCK = 10, 100_000


@dataclass
class Customer:
    email: str
    token: str = ""  # filled in-process, or by a login over HTTP


@dataclass
class Prepared:
    password: str
    staff_email: str
    customers: list[Customer] = field(default_factory=list)
    lockout_email: str = ""
    scarce: dict[int, int] = field(default_factory=dict)  # product: stock at the start
    plentiful: list[int] = field(default_factory=list)


def prepare(*, customers: int, tag: str) -> Prepared:
    """`customers` customers with a default address (checkout needs one), one password for everybody (hashed
    once); the customers get an access token in-process except the first ones, who log in over HTTP."""
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)
    staff = User.objects.create(
        email=f"two-{tag}-staff@example.com", password=hashed, is_staff=True, is_superuser=True, first_name="Staff"
    )
    users = User.objects.bulk_create(
        User(email=f"two-{tag}-{n}@example.com", password=hashed, first_name="Two", last_name=str(n))
        for n in range(customers + 1)
    )
    Address.objects.bulk_create(
        Address(user=user, line1="2 Twin Road", city="Twinton", postcode="10001", country="US", is_default=True)
        for user in users
    )
    prepared = Prepared(password=password, staff_email=staff.email, lockout_email=users[-1].email)
    prepared.customers = [Customer(user.email, str(AccessToken.for_user(user))) for user in users[:-1]]
    active = list(Product.objects.filter(is_active=True, structure="standalone").order_by("id"))
    for product in active[:SCARCE_PRODUCTS]:
        stock_set(product=product, stock=SCARCE_STOCK, reason=StockMovement.Reason.ADJUSTMENT, reference="two")
        prepared.scarce[product.pk] = SCARCE_STOCK
    for product in active[SCARCE_PRODUCTS : SCARCE_PRODUCTS + PLENTIFUL_PRODUCTS]:
        stock_set(product=product, stock=PLENTIFUL_STOCK, reason=StockMovement.Reason.ADJUSTMENT, reference="two")
        prepared.plentiful.append(product.pk)
    if len(prepared.plentiful) < PLENTIFUL_PRODUCTS:
        raise SystemExit(f"need {SCARCE_PRODUCTS + PLENTIFUL_PRODUCTS} active standalone products")
    return prepared
