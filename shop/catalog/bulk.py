"""Many products written at once (the product import): the rules of `product_create` / `product_update` in a
few statements for a whole batch instead of a dozen for every row.

The same rules, batch-wise: prices are money (`to_money`); a clash on sku or slug is a 400 naming the
values; the linked categories are locked (a category deleted meanwhile is a 400); stock enters the ledger,
one movement per product whose stock changes, and an update sets stock from the row as it is *locked* (the
product rows are locked in primary-key order, as `stock_lock` always does), so a sale committed meanwhile is
neither lost nor counted twice; stock stays within 0..MAX_STOCK (the check constraint is the last line);
the rating summary is never written; a parent's price is not set by hand and follows its variants (locked
before them, as `product_update` does: `shop.catalog.variants`). Model signals are not sent (bulk writes),
so `products_saved` tells the audit log what changed, and the public cache is told directly.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from shop.catalog import variants
from shop.catalog.models import MAX_STOCK, Category, Product, StockMovement
from shop.catalog.services import PRODUCT_FIELDS, PRODUCT_UNIQUE_FIELDS, stock_lock
from shop.core import public_cache
from shop.core.bulk import update_many
from shop.core.exceptions import InvalidInput
from shop.core.money import to_money
from shop.core.translated import localized_fields

#: Values per `IN (...)` list: under SQLite's and PostgreSQL's limits on parameters per statement.
CHUNK = 5_000
#: The translated fields are written in every language (`title_en`, `title_tr`) beside the field itself.
UPDATED_FIELDS = (*PRODUCT_FIELDS, *localized_fields(Product, PRODUCT_FIELDS), "stock", "updated_at")

#: Sent after a batch is written, inside its transaction: `created` (new products), `updated` (pairs of the
#: product as it was locked and as written), `categories` ({product id: (old ids, new ids)} where links
#: changed), `by` (the acting user) and `reason` / `reference` (of the stock movements).
products_saved = Signal()


@dataclass
class ProductWrite:
    """One product to write: `product` holds the new values (unsaved if new); `categories` are the wanted
    links (instances or ids), None to leave them as they are."""

    product: Product
    categories: Iterable | None = None


def chunked(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@transaction.atomic
def products_save_many(
    *,
    created: Sequence[ProductWrite] = (),
    updated: Sequence[ProductWrite] = (),
    stock_reason: str = StockMovement.Reason.IMPORT,
    stock_reference: str = "",
    by=None,
) -> None:
    """Create `created` and update `updated` (all or none: a refusal raises InvalidInput)."""
    public_cache.changed()  # the rows and links are written in raw SQL and bulk: no signal tells it
    _lock_categories([*created, *updated])
    for write in (*created, *updated):
        product_values_clean(product=write.product)
    parents = variants.parents_of([write.product for write in (*created, *updated)])  # before them, as a variant's
    before = stock_lock(product_ids=[write.product.pk for write in updated]) if updated else {}
    for write in updated:
        variants.parent_price_check(
            product=write.product, price=write.product.price, stored=before[write.product.pk].price
        )
    with _unique_errors([write.product for write in (*created, *updated)]):
        Product.objects.bulk_create([write.product for write in created])
        _update_rows([write.product for write in updated])
    variants.parent_prices_refresh(parent_ids=[parent.pk for parent in parents])
    links = _set_links(created, updated)
    movements = [(write.product, write.product.stock) for write in created]
    movements += [(write.product, write.product.stock - before[write.product.pk].stock) for write in updated]
    StockMovement.objects.bulk_create(
        StockMovement(product=product, delta=delta, reason=stock_reason, reference=stock_reference, user=by)
        for product, delta in movements
        if delta
    )
    pairs = [(before[write.product.pk], write.product) for write in updated]
    products_saved.send(
        sender=Product, created=[write.product for write in created], updated=pairs, categories=links,
        by=by, reason=stock_reason, reference=stock_reference,
    )  # fmt: skip


def product_values_clean(*, product: Product) -> None:
    """Put the values as they will be stored (money with two places) or refuse them; the import preview calls
    this too, so it shows what will be written."""
    product.price = to_money(product.price)
    if product.stock > MAX_STOCK:
        raise InvalidInput({"stock": [f"Stock cannot exceed {MAX_STOCK:,} units ({product.sku})."]})


def _update_rows(products: list[Product]) -> None:
    now = timezone.now()
    for product in products:
        product.updated_at = now
    update_many(Product, products, UPDATED_FIELDS)


@contextmanager
def _unique_errors(products: list[Product]):
    """A lost race on sku or slug (another writer took one since the preview): a 400 naming the values."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        errors = _clashes(products)
        if not errors:
            raise
        raise InvalidInput(errors) from exc


def _clashes(products: list[Product]) -> dict:
    errors = {}
    for name in PRODUCT_UNIQUE_FIELDS:
        owners = {getattr(p, name): p.pk for p in products}
        taken = []
        for values in chunked(list(owners)):
            found = Product.objects.filter(**{f"{name}__in": values}).values_list(name, "pk")
            taken += [value for value, pk in found if owners[value] != pk]
        if taken:
            errors[name] = [f"A product with this {name} already exists: {', '.join(sorted(taken)[:20])}."]
    return errors


def _category_ids(categories: Iterable) -> set[int]:
    return {category.pk if isinstance(category, Category) else category for category in categories}


def _lock_categories(writes: Sequence[ProductWrite]) -> None:
    wanted = set().union(*(_category_ids(w.categories) for w in writes if w.categories is not None))
    if not wanted:
        return
    found = set(Category.objects.select_for_update().filter(pk__in=sorted(wanted)).order_by("pk").values_list("pk"))
    missing = sorted(wanted - {pk for (pk,) in found})
    if missing:
        raise InvalidInput({"categories": [f"Unknown category ids: {', '.join(map(str, missing))}."]})


def _set_links(created: Sequence[ProductWrite], updated: Sequence[ProductWrite]) -> dict[int, tuple[set, set]]:
    """Link the categories; returns {product id: (old ids, new ids)} for each product whose links changed."""
    link = Product.categories.through
    wanted = {w.product.pk: _category_ids(w.categories) for w in (*created, *updated) if w.categories is not None}
    current = {pk: set() for pk in wanted}
    link_ids = {}
    for pks in chunked([w.product.pk for w in updated if w.product.pk in wanted]):
        for link_id, product_id, category_id in link.objects.filter(product_id__in=pks).values_list(
            "pk", "product_id", "category_id"
        ):
            current[product_id].add(category_id)
            link_ids[(product_id, category_id)] = link_id
    gone = [link_ids[(pk, c)] for pk, ids in wanted.items() for c in current[pk] - ids]
    for ids in chunked(gone):
        link.objects.filter(pk__in=ids).delete()
    link.objects.bulk_create(
        link(product_id=pk, category_id=c) for pk, ids in wanted.items() for c in sorted(ids - current[pk])
    )
    return {pk: (current[pk], ids) for pk, ids in wanted.items() if current[pk] != ids}
