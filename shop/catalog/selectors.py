"""Catalog reads: the querysets and lookups that the API, the admin, the exports and (later) the FakeStore
layer share. Writes are in `services.py`."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet

from shop.catalog.models import Category, Product, Rating
from shop.core.permissions import is_staff


def category_list() -> QuerySet[Category]:
    """Every category, in tree order (by path)."""
    return Category.objects.all()


def category_list_with_product_counts() -> QuerySet[Category]:
    """Categories annotated with `n_products`, the number of products filed under each."""
    return category_list().annotate(n_products=Count("products"))


def _with_categories(queryset: QuerySet[Product]) -> QuerySet[Product]:
    categories = Category.objects.only("id", "name", "slug", "path").order_by("pk")
    return queryset.prefetch_related(Prefetch("categories", queryset=categories))


def product_list(*, user=None, filters: dict | None = None) -> QuerySet[Product]:
    """The products `user` may see (customers and anonymous callers: active ones only), categories
    prefetched; `filters` are the cleaned values that `product_filter` takes."""
    queryset = _with_categories(Product.objects.all())
    if not is_staff(user):
        queryset = queryset.filter(is_active=True)
    return product_filter(queryset, **(filters or {}))


def product_get(*, user=None, pk) -> Product | None:
    """One product `user` may see, or None (also for an id that cannot be one)."""
    try:
        return product_list(user=user).filter(pk=pk).first()
    except (TypeError, ValueError, ValidationError):
        return None


def products_in_categories(queryset: QuerySet[Product], category_ids: Iterable[int]) -> QuerySet[Product]:
    """Products in any of the categories, without the duplicates a join on the M2M would give."""
    links = Product.categories.through.objects.filter(category_id__in=list(category_ids)).values("product_id")
    return queryset.filter(pk__in=links)


def product_filter(
    queryset: QuerySet[Product],
    *,
    category: int | None = None,
    category_ids: Iterable[int] | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock: bool | None = None,
    is_active: bool | None = None,
    slug: str | None = None,
) -> QuerySet[Product]:
    """Narrow `queryset` by already validated values (None: no condition). `category` and `category_ids`
    are category ids; `in_stock` means stock > 0 (false: stock = 0)."""
    if category is not None:
        queryset = products_in_categories(queryset, [category])
    if category_ids:
        queryset = products_in_categories(queryset, category_ids)
    conditions = {"price__gte": price_min, "price__lte": price_max, "is_active": is_active, "slug": slug}
    queryset = queryset.filter(**{lookup: value for lookup, value in conditions.items() if value is not None})
    if in_stock is not None:
        queryset = queryset.filter(stock__gt=0) if in_stock else queryset.filter(stock=0)
    return queryset


def rating_value(*, product: Product, user) -> int | None:
    """`user`'s own rating of the product, or None (also for an anonymous caller)."""
    if user is None or not user.is_authenticated:
        return None
    return Rating.objects.filter(product=product, user=user).values_list("value", flat=True).first()
