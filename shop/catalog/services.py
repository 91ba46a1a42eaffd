"""Catalog business rules, the one home of each: the API, the admin and the import resources call these.

Stock belongs to the catalog alone: every change goes through `stock_adjust` (which writes the ledger), every
hold through `stock_reservations_set` / `stock_reservations_release`, and every "is there enough?" through
`stock_check`, which locks the product rows in primary-key order (`stock_lock`) before it counts. Carts,
checkout and staff tools all take the locks in that one order, so they queue instead of deadlocking.
Reviews with the rating summary they keep, and wishlists, have modules of their own (`reviews.py`, `wishlist.py`).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, ProtectedError, Q, QuerySet
from django.utils import timezone

from shop.catalog import variants
from shop.catalog.models import MAX_STOCK, PATH_SEPARATOR, Category, Product, StockMovement, StockReservation
from shop.catalog.selectors import stock_available
from shop.core.exceptions import Conflict, InsufficientStock, InvalidInput
from shop.core.money import to_money
from shop.core.translated import translations_set

PRODUCT_UNIQUE_FIELDS = ("sku", "slug")
#: The product columns `product_create` and `product_update` take besides categories and stock.
PRODUCT_FIELDS = ("sku", "slug", "title", "description", "price", "image", "is_active")
CATEGORY_TREE_LOCK_KEY = 7_300_001  # pg_advisory_xact_lock key for category moves
PRODUCT_HAS_HISTORY = (
    "A product that has been stocked or ordered cannot be deleted: its stock history and orders must stay "
    "complete. Deactivate it instead; it then disappears from the shop."
)

# --- Stock ----------------------------------------------------------------------------------------


def stock_lock(*, product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the product rows (`select_for_update`, PostgreSQL) in primary-key order; unknown ids are absent."""
    return {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=set(product_ids)).order_by("pk")}


def _shortage(shortages: list[dict]) -> InsufficientStock:
    """`shortages` lists every short product; with exactly one, `product` and `available` are also top-level."""
    exc = InsufficientStock(shortages)
    if len(shortages) == 1:
        exc.extra.update(shortages[0])
    return exc


@transaction.atomic
def stock_check(*, wanted: dict[int, int], holder: str | None = None) -> dict[int, Product]:
    """Lock the products of `wanted` ({product id: units}) and refuse unless `holder` may take every one of
    those quantities (`stock_available`): `InsufficientStock` lists all the short products at once.
    Returns the locked products, for the caller to act on in the same transaction."""
    products = stock_lock(product_ids=wanted)
    available = stock_available(product_ids=products, holder=holder)
    shortages = [
        {"product": pk, "available": available.get(pk, 0)} for pk in sorted(wanted) if wanted[pk] > available.get(pk, 0)
    ]
    if shortages:
        raise _shortage(shortages)
    return products


# No savepoint for the reservation writes: they run inside the caller's transaction on every cart change and
# checkout, and raise nothing a caller could recover from, so a savepoint would only cost two round trips.
@transaction.atomic(savepoint=False)
def stock_reservations_set(*, holder: str, quantities: dict[int, int], expires_at: datetime | None) -> None:
    """Make `holder`'s reservations exactly `quantities` ({product id: units}; 0 or absent: none) until
    `expires_at`; None (or a time already past) releases them all.

    A reservation that is still running keeps its `created_at`, its place in the queue when stock runs
    short; a new or lapsed one starts now. The caller has checked the stock (`stock_check`) in the same
    transaction.
    """
    now = timezone.now()
    wanted = {pk: qty for pk, qty in quantities.items() if qty > 0} if expires_at and expires_at > now else {}
    held = StockReservation.objects.filter(holder=holder)
    if not wanted:
        held.delete()
        return
    held.filter(~Q(product_id__in=list(wanted)) | Q(expires_at__lte=now)).delete()
    StockReservation.objects.bulk_create(
        [
            StockReservation(holder=holder, product_id=pk, quantity=qty, expires_at=expires_at, created_at=now)
            for pk, qty in sorted(wanted.items())
        ],
        update_conflicts=True,
        unique_fields=["holder", "product"],
        update_fields=["quantity", "expires_at"],
    )


@transaction.atomic(savepoint=False)
def stock_reservations_release(*, holders: Iterable[str]) -> int:
    """Drop every reservation of these holders; returns how many there were."""
    deleted, _ = StockReservation.objects.filter(holder__in=list(holders)).delete()
    return deleted


def stock_reservations_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the reservations that have lapsed; returns how many. A lapsed reservation already counts for
    nothing (`stock_available` ignores it); deleting it keeps the table small. One plain DELETE in autocommit:
    safe to run twice or on several machines at once, and a reservation renewed meanwhile no longer matches."""
    deleted, _ = StockReservation.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


@transaction.atomic
def stock_adjust(*, product: Product, delta: int, reason: str, reference: str = "", by=None) -> Product:
    """Change `product.stock` by `delta` and record the movement (`by`: the acting user, if any).

    The update is guarded (`stock >= -delta`) so stock never goes below zero even when another
    transaction changed it since `product` was read; the check constraint is the last line. Stock never
    exceeds MAX_STOCK either (the integer column would overflow).
    Reservations do not stop staff from lowering stock: `stock_available` then serves the oldest first.
    """
    if delta == 0:
        return product
    if product.is_parent:
        raise InvalidInput({"stock": [variants.PARENT_HAS_NO_STOCK]})
    if delta > MAX_STOCK:
        raise _overflow()
    guard = {"stock__gte": -delta} if delta < 0 else {"stock__lte": MAX_STOCK - delta}
    changed = Product.objects.filter(pk=product.pk, **guard).update(stock=F("stock") + delta, updated_at=timezone.now())
    if not changed:
        available = Product.objects.filter(pk=product.pk).values_list("stock", flat=True).first()
        if delta > 0 and available is not None:
            raise _overflow()
        raise _shortage([{"product": product.pk, "available": available or 0}])
    StockMovement.objects.create(product=product, delta=delta, reason=reason, reference=reference, user=by)
    product.refresh_from_db(fields=["stock", "updated_at"])
    return product


def _overflow() -> InvalidInput:
    return InvalidInput({"stock": [f"Stock cannot exceed {MAX_STOCK:,} units."]})


@transaction.atomic
def stock_set(*, product: Product, stock: int, reason: str, reference: str = "", by=None) -> Product:
    """Set an absolute stock level (admin edit, API write, import) as one movement of the difference."""
    current = Product.objects.select_for_update().values_list("stock", flat=True).get(pk=product.pk)
    return stock_adjust(product=product, delta=stock - current, reason=reason, reference=reference, by=by)


# --- Categories -----------------------------------------------------------------------------------


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()  # "leave as it is", where None is a value (a category's parent)


def _lock_category_tree() -> None:
    """Serialize moves in the category tree. Two concurrent moves can each be fine alone and still make a
    cycle together (A under D while C goes under B, with B in A and D in C), so parent changes take one
    transaction-scoped advisory lock on PostgreSQL; SQLite already runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATEGORY_TREE_LOCK_KEY])


def category_check_parent(*, category: Category, parent: Category | None) -> None:
    """A category cannot sit under itself or under one of its descendants (that would make a cycle).
    Paths are re-read, since another move may have changed them: a move calls this under the tree lock;
    the import preview calls it too, to show the error on its row."""
    if parent is None or category.pk is None:
        return
    parent.refresh_from_db(fields=["path", "depth"])
    own_path = Category.objects.values_list("path", flat=True).get(pk=category.pk)
    if parent.pk == category.pk or parent.path.startswith(f"{own_path}{PATH_SEPARATOR}"):
        raise InvalidInput({"parent": ["A category cannot be placed under itself or one of its subcategories."]})


@transaction.atomic
def category_create(
    *,
    name: str,
    slug: str,
    parent: Category | None = None,
    description: str = "",
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> Category:
    category = Category(name=name, slug=slug, parent=parent, description=description)
    translations_set(category, translations)
    category.save()
    return category


@transaction.atomic
def category_update(
    *,
    category: Category,
    name: str | None = None,
    slug: str | None = None,
    parent: Category | _Unset | None = UNSET,
    description: str | None = None,
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> Category:
    """Change the given fields (None: unchanged; `parent=None` moves it to the top; `translations` as in
    `product_update`); the paths of its subtree follow (Category.save). A move takes the tree lock, then checks
    for a cycle."""
    if parent is not UNSET:
        _lock_category_tree()
        category_check_parent(category=category, parent=parent)
        category.parent = parent
    for field, value in (("name", name), ("slug", slug), ("description", description)):
        if value is not None:
            setattr(category, field, value)
    translations_set(category, translations)
    category.save()
    return category


def category_check_deletable(*, categories: Iterable[Category]) -> None:
    """Refuse (409) deleting categories that still have products, or subcategories not deleted with them."""
    ids = {category.pk for category in categories}
    kept_children = set(
        Category.objects.filter(parent_id__in=ids).exclude(pk__in=ids).values_list("parent_id", flat=True)
    )
    refused = []
    for category in Category.objects.filter(pk__in=ids).annotate(n_products=Count("products")).order_by("path"):
        reasons = [f"{category.n_products} product(s)"] if category.n_products else []
        reasons += ["subcategories"] if category.pk in kept_children else []
        if reasons:
            refused.append(f"{category.name} ({', '.join(reasons)})")
    if refused:
        raise Conflict(
            "A category that still has products or subcategories cannot be deleted; move or delete them first: "
            + "; ".join(refused)
        )


@transaction.atomic
def category_delete(*, category: Category) -> None:
    category_delete_many(categories=[category])


@transaction.atomic
def category_delete_many(*, categories: Iterable[Category]) -> int:
    """Delete all the categories or none (409 naming each refused one). The row locks make a product or
    subcategory being linked at the same moment wait (its foreign key check needs the row), so the check
    cannot miss it. Subcategories go before their parents."""
    ids = sorted({category.pk for category in categories})
    locked = list(Category.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    category_check_deletable(categories=locked)
    for category in sorted(locked, key=lambda c: -c.depth):
        category.delete()
    return len(locked)


# --- Products -------------------------------------------------------------------------------------


def _unique_field_errors(values: dict, exclude_pk: int | None = None) -> dict:
    errors = {}
    for name in PRODUCT_UNIQUE_FIELDS:
        if name in values and Product.objects.filter(**{name: values[name]}).exclude(pk=exclude_pk).exists():
            errors[name] = [f"A product with this {name} already exists."]
    return errors


def _save_unique(product: Product, values: dict, **save_kwargs) -> None:
    """Save, turning a lost race on sku/slug uniqueness into a 400 instead of a 500."""
    try:
        with transaction.atomic():
            product.save(**save_kwargs)
    except IntegrityError:
        errors = _unique_field_errors(values, exclude_pk=product.pk)
        if not errors:
            raise
        raise InvalidInput(errors) from None


def _set_categories(product: Product, categories: Iterable, *, new: bool = False) -> None:
    """Link the categories (instances or ids), locking their rows so a category deleted meanwhile is a 400,
    not a 500. A new product has no links yet: they are only added; unchanged links are left alone (a linked
    category cannot be deleted)."""
    ids = sorted({category.pk if isinstance(category, Category) else category for category in categories})
    if (new and not ids) or (not new and ids == sorted(c.pk for c in product.categories.all())):
        return
    found = list(Category.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidInput({"categories": [f"Unknown category ids: {', '.join(map(str, missing))}."]})
    if new:
        product.categories.add(*ids)
    else:
        product.categories.set(ids)


@transaction.atomic
def product_create(
    *,
    sku: str,
    slug: str = "",
    title: str = "",
    price: Decimal | None = None,
    description: str = "",
    image: str = "",
    is_active: bool = True,
    categories: Iterable = (),
    stock: int = 0,
    structure: str = Product.Structure.STANDALONE,
    parent: Product | int | None = None,
    options: dict[str, str] | None = None,
    option_attributes: Iterable[str] | None = None,
    stock_reason: str = StockMovement.Reason.INITIAL,
    stock_reference: str = "",
    translations: Mapping[str, Mapping[str, str]] | None = None,
    by=None,
) -> Product:
    """Create a product; its stock enters the ledger as one movement (`initial`, or `import` from a file).

    A parent takes `option_attributes` (attribute slugs) and no stock; its price follows its cheapest active
    variant. A child takes its `parent` (a product or an id) and `options` ({attribute slug: value slug}, one
    per attribute of the parent's set); its title, description and categories may stay empty (documents show
    the parent's) and its slug is made from the parent's and the option values when none is given. `title` and
    `description` are the default language's; `translations` holds the others (`{"tr": {"title": "..."}}`)."""
    variants.structure_check(
        structure=structure, parent=parent, options=options, option_attributes=option_attributes, stock=stock
    )
    attributes = variants.attributes_from_slugs(option_attributes or ())
    parent = variants.parent_lock(parent=parent) if parent is not None else None
    option_values = variants.variant_values(parent=parent, options=options) if parent else []
    _require_fields(title=title or parent, slug=slug or parent, price=price is not None or structure == "parent")
    if parent:
        variants.variant_check_unique(parent=parent, key=variants.option_key(option_values))
        slug = slug or variants.variant_slug(parent=parent, values=option_values)
    values = {"sku": sku, "slug": slug, "title": title, "description": description, "price": to_money(price or 0)}
    product = Product(
        **values,
        image=image,
        is_active=is_active,
        stock=0,
        structure=structure,
        parent=parent,
        option_key=variants.option_key(option_values),
    )
    translations_set(product, translations)
    _save_unique(product, values)
    _set_categories(product, categories, new=True)
    product.option_attributes.add(*attributes)
    if parent:
        variants.options_write(product=product, values=option_values)
        variants.parent_price_refresh(parent=parent)
    if stock:
        stock_adjust(product=product, delta=stock, reason=stock_reason, reference=stock_reference, by=by)
    return product


def _require_fields(**given) -> None:
    missing = {name: ["This field is required."] for name, present in given.items() if not present}
    if missing:
        raise InvalidInput(missing)


@transaction.atomic
def product_update(
    *,
    product: Product,
    sku: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    description: str | None = None,
    price: Decimal | None = None,
    image: str | None = None,
    is_active: bool | None = None,
    categories: Iterable | None = None,
    stock: int | None = None,
    options: dict[str, str] | None = None,
    option_attributes: Iterable[str] | None = None,
    stock_reason: str = StockMovement.Reason.ADJUSTMENT,
    stock_reference: str = "",
    translations: Mapping[str, Mapping[str, str]] | None = None,
    by=None,
) -> Product:
    """Change the given fields only (None: unchanged). `stock` goes through `stock_set` (one movement of
    the difference) and the rating summary is never written here, so concurrent sales and ratings are not
    overwritten. A variant's `options` and a parent's `option_attributes` follow `shop.catalog.variants`.
    `translations` sets the other languages given (`{"tr": {"title": ""}}` removes one), the rest unchanged."""
    if title == "" and not product.is_child:
        raise InvalidInput({"title": ["This field may not be blank."]})
    parent = variants.parent_lock(parent=product.parent_id) if product.is_child else None
    _variant_changes(product, parent, options=options, option_attributes=option_attributes)
    fields = {"sku": sku, "slug": slug, "title": title, "description": description, "image": image}
    changes = {name: value for name, value in {**fields, "is_active": is_active}.items() if value is not None}
    if price is not None:
        changes["price"] = to_money(price)
        variants.parent_price_check(product=product, price=changes["price"], stored=product.price)
    for name, value in changes.items():
        setattr(product, name, value)
    translated = translations_set(product, translations)
    _save_unique(product, changes, update_fields=[*changes, *translated, "updated_at"])
    if categories is not None:
        _set_categories(product, categories)
    if stock is not None:
        stock_set(product=product, stock=stock, reason=stock_reason, reference=stock_reference, by=by)
    if parent:
        variants.parent_price_refresh(parent=parent)
    product.refresh_from_db(fields=["stock", "price", "rating_rate", "rating_count", "rating_sum", "updated_at"])
    return product


def _variant_changes(product: Product, parent: Product | None, *, options, option_attributes) -> None:
    """A variant's new options (checked against its siblings under the parent's lock), a parent's new option
    set (only while it has no variants: theirs would no longer fit)."""
    if options is not None and parent is None:
        raise InvalidInput({"options": ["Only a variant (structure child) has options."]})
    if options is not None:
        option_values = variants.variant_values(parent=parent, options=options)
        product.option_key = variants.option_key(option_values)
        variants.variant_check_unique(parent=parent, key=product.option_key, exclude_pk=product.pk)
        product.save(update_fields=["option_key", "updated_at"])
        variants.options_write(product=product, values=option_values)
    if option_attributes is None:
        return
    if not product.is_parent:
        raise InvalidInput({"option_attributes": ["Only a parent has option attributes."]})
    attributes = variants.attributes_from_slugs(option_attributes)
    if {a.pk for a in attributes} != {a.pk for a in product.option_attributes.all()}:
        if not attributes or product.variants.exists():
            raise InvalidInput({"option_attributes": ["Kept while the product has variants, and never empty."]})
        product.option_attributes.set(attributes)


@transaction.atomic
def product_set_active(*, products: QuerySet[Product], is_active: bool) -> int:
    """Activate or deactivate the products; only those whose flag changes are touched. Returns how many.

    Each product is saved on its own (not one `update()`), so the audit log records who switched which one."""
    changed = list(products.exclude(is_active=is_active).order_by("pk"))
    for product in changed:
        product.is_active = is_active
        product.save(update_fields=["is_active", "updated_at"])
    for parent in variants.parents_of(changed):
        variants.parent_price_refresh(parent=parent)
    return len(changed)


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product that was never stocked or sold (its cart lines and reservations go with it).

    Stock movements and order lines point at their product with `on_delete=PROTECT`, so a product with a
    history cannot be deleted: 409, deactivate it instead.
    """
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError:
        raise Conflict(PRODUCT_HAS_HISTORY) from None


# --- Variants -------------------------------------------------------------------------------------


@transaction.atomic
def variants_generate(
    *, parent: Product, values: Iterable, price: Decimal, stock: int = 0, is_active: bool = True, by=None
) -> list[Product]:
    """Create a variant of `parent` for every combination of the chosen attribute values (at least one of each
    attribute of its option set), with generated SKUs (`<parent sku>-<value slugs>`, upper case); combinations
    that already exist are skipped. Returns the variants created. A generated SKU that another product
    already holds is a 400 and nothing is created."""
    parent = variants.parent_lock(parent=parent)
    combinations = variants.combinations(parent=parent, values=values)
    existing = set(Product.objects.filter(parent=parent).values_list("option_key", flat=True))
    created = []
    for combination in combinations:
        if variants.option_key(combination) in existing:
            continue
        options = {value.attribute.slug: value.slug for value in combination}
        sku = "-".join([parent.sku, *(value.slug for value in combination)]).upper()[:64]
        created.append(
            product_create(
                structure=Product.Structure.CHILD,
                parent=parent,
                options=options,
                sku=sku,
                price=price,
                stock=stock,
                is_active=is_active,
                by=by,
            )
        )
    return created
