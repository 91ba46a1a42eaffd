"""What the FakeStore-compatible API shows, read through the selectors of the apps below it: products are
exactly what the catalog shows anonymous customers, so no rule of the catalog has a second copy here."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from shop.accounts import selectors as accounts
from shop.accounts.models import User
from shop.carts import selectors as carts
from shop.carts.models import Cart
from shop.catalog import selectors as catalog
from shop.catalog.models import Product


def ordered(queryset: QuerySet, *, sort: str = "asc", limit: int | None = None) -> QuerySet:
    """FakeStore's `sort` (by id) and `limit`, never more than FAKESTORE_MAX_ITEMS rows."""
    limit = min(limit or settings.FAKESTORE_MAX_ITEMS, settings.FAKESTORE_MAX_ITEMS)
    return queryset.order_by("-pk" if sort == "desc" else "pk")[:limit]


def product_list(*, category_name: str | None = None) -> QuerySet[Product]:
    """The products anyone may see; with `category_name`, those filed under a category of that name."""
    products = catalog.product_list(user=None)
    if category_name is None:
        return products
    named = catalog.category_list_named(category_name).values_list("pk", flat=True)
    return catalog.products_in_categories(products, named)


def product_get(*, pk: int) -> Product | None:
    return product_list().filter(pk=pk).first()


def category_names() -> list[str]:
    """Every category's name once, in the catalog's tree order."""
    return list(dict.fromkeys(catalog.category_list().values_list("name", flat=True)))


def next_product_id() -> int:
    """The id FakeStore gives a created product (the number of products plus one); nothing is created."""
    return product_list().count() + 1


# --- demo mode: customers and their carts ----------------------------------------------------------


def user_list() -> QuerySet[User]:
    return accounts.customer_list()


def user_get(*, pk: int) -> User | None:
    return user_list().filter(pk=pk).first()


def next_user_id() -> int:
    return user_list().count() + 1


def cart_list(*, user: User | None = None, start: date | None = None, end: date | None = None) -> QuerySet[Cart]:
    """The customers' carts (guest carts have nobody to show them under), created from `start` to `end`
    (inclusive days)."""
    owners = [user.pk] if user is not None else user_list().values("pk")
    queryset = carts.cart_queryset().filter(user__in=owners)
    if start is not None:
        queryset = queryset.filter(created_at__date__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__date__lte=end)
    return queryset


def cart_get(*, pk: int) -> Cart | None:
    return cart_list().filter(pk=pk).first()


def next_cart_id() -> int:
    return cart_list().count() + 1
