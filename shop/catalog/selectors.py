"""Catalog reads: the querysets and lookups that the API, the admin, the exports, the background jobs and the
apps above the catalog share (the FakeStore layer among them). Writes are in `services.py`."""

from collections.abc import Iterable
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from modeltranslation.utils import get_language

from shop.accounts.models import User
from shop.catalog import search
from shop.catalog.models import (
    Attribute,
    Category,
    Product,
    ProductImage,
    ProductOption,
    Purchase,
    Review,
    StockReservation,
    WishlistItem,
)
from shop.core.i18n import default_language, localized
from shop.core.permissions import sees_all


def product_list_low_stock(*, threshold: int) -> QuerySet[Product]:
    """Active products with `threshold` units or fewer on hand (out of stock included), emptiest first."""
    return Product.objects.filter(is_active=True, stock__lte=threshold).order_by("stock", "sku")


def catalog_managers() -> QuerySet[User]:
    """Active users who may change products (`catalog.change_product`) through a group, directly, or as
    superusers (Django's own permission query, as `has_perm` decides it)."""
    return ModelBackend().with_perm("catalog.change_product").exclude(email="").order_by("email")


# --- Stock ----------------------------------------------------------------------------------------


def stock_reservations(*, holder: str) -> QuerySet[StockReservation]:
    """The holder's reservations that still count (unexpired), by product."""
    return StockReservation.objects.filter(holder=holder, expires_at__gt=timezone.now()).order_by("product_id")


def stock_available(*, product_ids: Iterable[int], holder: str | None = None) -> dict[int, int]:
    """How many units of each product `holder` may take now; unknown ids are absent, inactive products are 0.

    Normally that is the stock minus the unexpired reservations of the other holders. When the reservations
    add up to more than the stock (staff lowered it after they were made), a holder still gets its own
    reserved units as far as the reservations older than its own leave them:

        available = max(stock - others, min(own, stock - older others))

    so with S units left and more than S reserving carts, the S oldest can still buy: sales never freeze.
    The caller locks the product rows first when it acts on the answer (`stock_check`).
    """
    ids = set(product_ids)
    products = Product.objects.filter(pk__in=ids).values_list("pk", "stock", "is_active")
    own = {r.product_id: r for r in stock_reservations(holder=holder).filter(product_id__in=ids)} if holder else {}
    others = _reserved_by_others(ids, holder, own)
    answer = {}
    for pk, stock, is_active in products:
        reserved, older = others.get(pk, (0, 0))
        mine = own[pk].quantity if pk in own else 0
        answer[pk] = max(0, stock - reserved, min(mine, stock - older)) if is_active else 0
    return answer


def _reserved_by_others(ids: set[int], holder: str | None, own: dict[int, StockReservation]) -> dict:
    """{product: (units reserved by other holders, of which by reservations older than the holder's own)}."""
    live = StockReservation.objects.filter(product_id__in=ids, expires_at__gt=timezone.now())
    if holder:
        live = live.exclude(holder=holder)
    sums = {"total": Sum("quantity")}
    if own:
        sums["older"] = Sum("quantity", filter=reduce(or_, (_older_than(mine) for mine in own.values())))
    rows = live.values("product_id").annotate(**sums)
    return {row["product_id"]: (row["total"], row.get("older") or 0) for row in rows}


def _older_than(reservation: StockReservation) -> Q:
    earlier = Q(created_at__lt=reservation.created_at) | Q(created_at=reservation.created_at, pk__lt=reservation.pk)
    return Q(product_id=reservation.product_id) & earlier


def products_with_history(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """The products that rows elsewhere must keep pointing at (stock movements, order lines: every foreign key
    with `on_delete=PROTECT`), so they can be deactivated but not deleted. Found from the relations
    themselves, so the catalog need not name the apps above it."""
    kept = [rel for rel in Product._meta.related_objects if rel.on_delete is models.PROTECT]
    keeping = [Exists(rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")})) for rel in kept]
    # a parent is deleted with its variants, so theirs count too
    keeping += [
        Exists(rel.related_model._base_manager.filter(**{f"{rel.field.name}__parent": OuterRef("pk")})) for rel in kept
    ]
    return queryset.filter(reduce(or_, keeping)) if keeping else queryset.none()


# --- Categories and products ---------------------------------------------------------------------


def category_list() -> QuerySet[Category]:
    """Every category, in tree order (by path)."""
    return Category.objects.all()


def category_list_named(name: str) -> QuerySet[Category]:
    """Categories called `name` as readers see it: in the active language, or where that has no translation, in
    the default one (a plain `filter(name=...)` looks at the active language's column only)."""
    active, default = get_language(), default_language()
    condition = Q(**{localized("name", default): name})
    if active != default:
        untranslated = Q(**{f"{localized('name', active)}__isnull": True}) | Q(**{localized("name", active): ""})
        condition = Q(**{localized("name", active): name}) | (untranslated & condition)
    return category_list().filter(condition)


def category_list_with_product_counts() -> QuerySet[Category]:
    """Categories annotated with `n_products`, the number of products filed under each."""
    return category_list().annotate(n_products=Count("products"))


def _categories_prefetch(lookup: str = "categories") -> Prefetch:
    """A product's categories as documents and vouchers read them (by id), for `lookup` ("parent__categories")."""
    return Prefetch(lookup, queryset=Category.objects.only("id", "name", "slug", "path").order_by("pk"))


def _with_categories(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.prefetch_related(_categories_prefetch())


def with_line_products(
    queryset: QuerySet, *, prefix: str = "product__", categories: bool = True, options: bool = True
) -> QuerySet:
    """Prefetch what a cart's or an order's lines show of their products (at `prefix`), a variant's parent
    included: the images (`product_image_urls`), the categories vouchers look at (`product_categories`) and a
    variant's options (`variants.product_options`, `variants.variant_title`). A fixed number of queries whatever
    the number of lines; the parents' ones run only when some line is a variant."""
    lookups = [_images_prefetch(f"{prefix}images"), _images_prefetch(f"{prefix}parent__images")]
    if categories:
        lookups += [_categories_prefetch(f"{prefix}categories"), _categories_prefetch(f"{prefix}parent__categories")]
    if options:
        lookups.append(_options_prefetch(f"{prefix}option_values"))
    return queryset.select_related(f"{prefix}parent").prefetch_related(*lookups)


def _options_prefetch(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=ProductOption.objects.select_related("attribute", "value"))


def variants_prepare(products: Iterable[Product]) -> None:
    """Fetch the parents and options of the variants among `products` (what `variant_title` and `product_options`
    read), in two queries, for products read without `with_line_products` (checkout's locked rows)."""
    found = [product for product in products if product.parent_id is not None]
    if found:
        prefetch_related_objects(found, "parent", _options_prefetch("option_values"))


def product_categories(product: Product) -> list[Category]:
    """The one rule for "a product's categories" (product documents, vouchers): its own, or for a variant that
    has none of its own its parent's. Reads the prefetched relations (`_with_categories`, `with_line_products`);
    a variant's parent's are fetched here only when no selector prefetched them (one product's document)."""
    own = list(product.categories.all())
    if own or product.parent_id is None:
        return own
    prefetch_related_objects([product], _categories_prefetch("parent__categories"))
    return list(product.parent.categories.all())


def with_images(queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Prefetch the images of the products (`prefix`: the path to them, as "items__product__"), in their
    order, for `product_image_urls` and the product documents: one query however many products."""
    return queryset.prefetch_related(_images_prefetch(f"{prefix}images"))


def _images_prefetch(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=ProductImage.objects.order_by("position", "id"))


class ImageUrls(NamedTuple):
    image: str
    thumbnail: str | None


def product_image_urls(product: Product, *, request=None) -> ImageUrls:
    """The one rule for "the picture of a product": its primary image's URL and thumbnail URL, else its
    external image URL (FakeStore fixtures keep theirs; it may be "") and no thumbnail; a variant with neither
    shows its parent's. Reads the images prefetched by `with_images` (a parent's: `with_line_products`,
    `products_prepare`, else they are fetched here); `request` makes local URLs absolute."""
    primary = next((image for image in product.images.all() if image.is_primary), None)
    if primary is None and not product.image and product.parent_id is not None:
        prefetch_related_objects([product], _images_prefetch("parent__images"))
        return product_image_urls(product.parent, request=request)
    if primary is None:
        return ImageUrls(product.image, None)
    return ImageUrls(absolute_url(primary.file.url, request), absolute_url(primary.thumbnail.url, request))


def absolute_url(url: str, request=None) -> str:
    """`url` as the client must use it: absolute when a request tells the host (storage URLs of S3 already are)."""
    return request.build_absolute_uri(url) if request is not None else url


def _variant_lookups(user, structure: str) -> list:
    """What the document of a parent (its variants, active ones only for those who see only active products,
    with their options; its option set) or of a variant (its options, its parent's categories and images) needs."""
    if structure == Product.Structure.CHILD:
        return [
            _options_prefetch("option_values"),
            _categories_prefetch("parent__categories"),
            _images_prefetch("parent__images"),
        ]
    variants = Product.objects.prefetch_related(_options_prefetch("option_values")).order_by("pk")
    if not sees_all(user, Product):
        variants = variants.filter(is_active=True)
    return [Prefetch("variants", queryset=variants), Prefetch("option_attributes", queryset=Attribute.objects.all())]


def products_prepare(products: Iterable[Product], *, user) -> None:
    """Prefetch what the documents of these products need beyond categories, by structure: nothing for standalone
    products, so a list pays only for the parents and variants on its page (a few queries, whatever their
    number). Products already prepared are left alone."""
    for structure in (Product.Structure.PARENT, Product.Structure.CHILD):
        found = [p for p in products if p.structure == structure and not _prepared(p, structure)]
        if found:
            prefetch_related_objects(found, *_variant_lookups(user, structure))


def _prepared(product: Product, structure: str) -> bool:
    return ("variants" if structure == Product.Structure.PARENT else "option_values") in getattr(
        product, "_prefetched_objects_cache", {}
    )


def _with_variants(queryset: QuerySet[Product], user) -> QuerySet[Product]:
    """Every lookup `products_prepare` may need, for nested documents (a wishlist's) that no list prepares."""
    lookups = _variant_lookups(user, Product.Structure.PARENT) + _variant_lookups(user, Product.Structure.CHILD)
    return queryset.prefetch_related(*lookups)


def product_visible(queryset: QuerySet[Product], user, *, variants: bool = True) -> QuerySet[Product]:
    """Customers and anonymous callers see active products only, and a variant only while its parent is active.
    `variants=False` says the queryset holds no variants: no parent is joined (a list's count scans less)."""
    if sees_all(user, Product):
        return queryset
    if not variants:
        return queryset.filter(is_active=True)
    return queryset.filter(Q(parent__isnull=True) | Q(parent__is_active=True), is_active=True)


def product_list(*, user=None, filters: dict | None = None, variants: bool = False) -> QuerySet[Product]:
    """The products `user` may see (`product_visible`), categories and images prefetched (`products_prepare` adds what
    parents and variants need); `filters` are the cleaned values that `product_filter` takes. Variants are
    listed inside their parents, not on their own, unless `variants` is true (one product by id, the admin)."""
    queryset = with_images(_with_categories(Product.objects.all()))
    if not variants:
        queryset = queryset.exclude(structure=Product.Structure.CHILD)
    return product_filter(product_visible(queryset, user, variants=variants), **(filters or {}))


def products_with_variant_totals(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Annotate `n_variants` and `variant_stock` (units on hand of all its variants) on each product."""
    variants = Product.objects.filter(parent=OuterRef("pk")).order_by().values("parent")
    return queryset.annotate(
        n_variants=Coalesce(Subquery(variants.annotate(n=Count("pk")).values("n")), 0),
        variant_stock=Coalesce(Subquery(variants.annotate(units=Sum("stock")).values("units")), 0),
    )


def product_get(*, user=None, pk) -> Product | None:
    """One product `user` may see, a variant too, or None (also for an id that cannot be one)."""
    try:
        return product_list(user=user, variants=True).filter(pk=pk).first()
    except (TypeError, ValueError, ValidationError):
        return None


def product_search(
    queryset: QuerySet[Product], terms: Iterable[str], *, fields: Iterable[str] = search.FIELDS
) -> QuerySet[Product]:
    """Products where every one of `terms` occurs (case-insensitive) in the title, description or sku, found
    through the search index (`shop.catalog.search`), or in one of the other `fields` (lookups through a
    relation, e.g. `categories__name`: an unindexed `EXISTS`, so no product is listed twice). A parent is also
    found through its variants' title, description or sku."""
    others = [field for field in fields if field not in search.FIELDS]
    for term in terms:
        condition = _search_condition(term)
        for field in others:
            condition |= Exists(Product.objects.filter(pk=OuterRef("pk"), **{f"{field}__icontains": term}))
        queryset = queryset.filter(condition)
    return queryset


#: Parents found through their variants that a search names as ids; more are matched by a subquery.
SEARCH_PARENT_IDS_MAX = 1000


def _search_condition(term: str) -> Q:
    """`term` in the product's own words (`search.matches`), or in one of its variants'. The variants' parents
    are read first, as ids: an `OR` with a subquery would keep the planner from answering the whole condition
    from the search indexes (a term matching nothing scanned every product, bench/RESULTS.md)."""
    variants = Product.objects.filter(search.matches(term), parent__isnull=False).order_by()
    parents = list(variants.values_list("parent_id", flat=True).distinct()[: SEARCH_PARENT_IDS_MAX + 1])
    if not parents:
        return search.matches(term)
    if len(parents) > SEARCH_PARENT_IDS_MAX:
        return search.matches(term) | Q(pk__in=variants.values("parent_id"))
    return search.matches(term) | Q(pk__in=parents)


#: Orderings the index `product_active_price_idx` and its kind can walk; `product_order_unwalked` hides them.
WALKABLE_ORDERINGS = {
    "price": models.DecimalField(),
    "rating_rate": models.DecimalField(),
    "stock": models.IntegerField(),
}


def product_order_unwalked(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """The same order by an expression (`price + 0`) that no index matches, for a search narrowed further (by a
    category): PostgreSQL's statistics on the search columns make it expect the first page early in a walk of
    the price index, testing every row, where the search and category indexes find the few matches at once and
    sorting them is cheap (search + category + `-price` at 100k products: 315 → 45 ms, bench/RESULTS.md). Only
    on PostgreSQL: SQLite's planner takes the indexes itself."""
    ordering = queryset.query.order_by
    if connection.vendor != "postgresql" or not ordering or not isinstance(ordering[0], str):
        return queryset
    name = ordering[0].lstrip("-")
    if name not in WALKABLE_ORDERINGS:
        return queryset
    expression = ExpressionWrapper(F(name) + 0, output_field=WALKABLE_ORDERINGS[name])
    first = expression.desc() if ordering[0].startswith("-") else expression.asc()
    return queryset.order_by(first, *ordering[1:])


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
    option: Iterable[tuple[str, list[str]]] | None = None,
) -> QuerySet[Product]:
    """Narrow `queryset` by already validated values (None: no condition). `category` and `category_ids`
    are category ids; `in_stock` means stock > 0 (false: stock = 0), for a parent that an active variant is
    in stock; a parent is within a price range when an active variant is. `option` is
    `[(attribute slug, [value slugs, any of])]`: parents with an active variant having all of them."""
    if category is not None:
        queryset = products_in_categories(queryset, [category])
    if category_ids:
        queryset = products_in_categories(queryset, category_ids)
    conditions = {"is_active": is_active, "slug": slug}
    queryset = queryset.filter(**{lookup: value for lookup, value in conditions.items() if value is not None})
    prices = {"price__gte": price_min, "price__lte": price_max}
    if prices := {lookup: value for lookup, value in prices.items() if value is not None}:
        queryset = queryset.filter(_own_or_a_variant(Q(**prices)))
    if in_stock is not None:
        in_stock_now = _own_or_a_variant(Q(stock__gt=0))
        queryset = queryset.filter(in_stock_now if in_stock else ~in_stock_now)
    if option:
        queryset = queryset.filter(Exists(_variants_having(option)))
    return queryset


def _own_or_a_variant(condition: Q) -> Q:
    """`condition` on the product itself, or for a parent on one of its active variants."""
    variants = Product.objects.filter(condition, parent=OuterRef("pk"), is_active=True)
    parent = Q(structure=Product.Structure.PARENT)
    return (~parent & condition) | (parent & Q(Exists(variants)))


def _variants_having(option: Iterable[tuple[str, list[str]]]) -> QuerySet[Product]:
    """The active variants of the outer product that have, for each attribute, one of the values (one join per
    attribute: a variant must match them all)."""
    variants = Product.objects.filter(parent=OuterRef("pk"), is_active=True)
    for attribute, values in option:
        variants = variants.filter(option_values__attribute__slug=attribute, option_values__value__slug__in=values)
    return variants


# --- Reviews and wishlists -------------------------------------------------------------------------


def review_product_id(product: Product) -> int:
    """The id of the product that `product`'s reviews (and purchases) are filed under: a variant's parent,
    else the product itself. Customers review "the shirt", not "the shirt in M", and every variant's
    buyers and readers meet in one summary."""
    return getattr(product, "parent_id", None) or product.pk


def review_product(product: Product) -> Product:
    """The product itself, or a variant's parent (`review_product_id`)."""
    return product if review_product_id(product) == product.pk else product.parent


def reviews_approved(*, product: Product) -> QuerySet[Review]:
    """What anyone reads: the approved reviews of the product (of its parent, for a variant), newest first."""
    return (
        Review.objects.filter(product_id=review_product_id(product), status=Review.Status.APPROVED)
        .select_related("user")
        .order_by("-created_at", "-id")
    )


def review_list(*, status: str | None = None) -> QuerySet[Review]:
    """Every review for the moderators (optionally of one status), newest first, with author and product."""
    queryset = Review.objects.select_related("user", "product").order_by("-created_at", "-id")
    return queryset.filter(status=status) if status else queryset


def review_mine(*, product: Product, user) -> Review | None:
    """`user`'s own review of the product (of its parent, for a variant), whatever its status; or None."""
    if user is None or not user.is_authenticated:
        return None
    return Review.objects.filter(product_id=review_product_id(product), user=user).first()


def rating_value(*, product: Product, user) -> int | None:
    """`user`'s own rating of the product (their review's, pending ones too), or None (also for an anonymous
    caller)."""
    review = review_mine(product=product, user=user)
    return review.rating if review else None


def purchase_made(*, user, product: Product) -> bool:
    """Whether `user` has received the product or one of its variants (recorded by `purchases_record`)."""
    return Purchase.objects.filter(user=user, product_id=review_product_id(product)).exists()


def wishlist_list(*, user) -> QuerySet[WishlistItem]:
    """`user`'s wishlist, newest first: active products only, each with what its product document needs."""
    products = with_images(_with_variants(_with_categories(Product.objects.filter(is_active=True)), user))
    return (
        WishlistItem.objects.filter(user=user, product__is_active=True)
        .prefetch_related(Prefetch("product", queryset=products))
        .order_by("-added_at", "-id")
    )
