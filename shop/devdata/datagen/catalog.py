"""Categories (a three-level tree) and products with their category links and `initial` stock movements."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from shop.catalog.models import Category, Product, StockMovement
from shop.devdata.datagen.base import (
    CATALOG_SPAN,
    CATALOG_START,
    Progress,
    batch_transaction,
    chunked,
    insert,
    spread,
)
from shop.devdata.datagen.variants import as_parent, family, insert_families, option_set
from shop.devdata.datagen.words import ADJECTIVES, DEPARTMENTS, FEATURES, MATERIALS, NOUNS

CENT = Decimal("0.01")
REFERENCE = "generate_data"


@dataclass
class CatalogState:
    """What the later parts need to know about the generated products, indexed like the products."""

    ids: list[int] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    prices: list[Decimal] = field(default_factory=list)
    stock: list[int] = field(default_factory=list)  # units left while orders are being generated
    active: list[int] = field(default_factory=list)  # indexes of active purchasable products (no parents)
    listed: list[int] = field(default_factory=list)  # ids of standalone and parent products, in creation order


def create_categories(*, rng: random.Random, count: int, batch_size: int, progress: Progress) -> list[int]:
    """Roots (a tenth), then children of roots (four tenths), then grandchildren: one insert per level."""
    sizes = (max(1, count // 10), count * 4 // 10)
    levels = [range(0, sizes[0]), range(sizes[0], sizes[0] + sizes[1]), range(sizes[0] + sizes[1], count)]
    parents: list[Category] = []
    created: list[Category] = []
    for level in levels:
        rows = [_category(rng, n, rng.choice(parents) if parents else None) for n in level]
        with batch_transaction():
            insert(Category, rows, batch_size)
        created += rows
        parents = rows or parents
        progress.advance(len(rows))
    return [category.pk for category in created]


def _category(rng: random.Random, n: int, parent: Category | None) -> Category:
    name = f"{rng.choice(DEPARTMENTS)} {n + 1}"
    slug = slugify(name)
    path = f"{parent.path}/{slug}" if parent else slug
    depth = parent.depth + 1 if parent else 0
    return Category(name=name, slug=slug, parent=parent, path=path, depth=depth, description=f"All about {name}.")


def create_products(
    *, rng: random.Random, count: int, category_ids: list[int], batch_size: int, progress: Progress, variants: int = 0
) -> CatalogState:
    """Per batch, in one transaction: the products, their category links, the variants of the `variants` per
    cent that are parents (datagen/variants.py) and one `initial` movement each.

    Products with zero stock get no movement (the ledger's deltas are never zero), so
    `stock == sum(delta)` holds for every product.
    """
    state = CatalogState()
    options = option_set() if variants else None
    link = Product.categories.through
    for numbers in chunked(count, batch_size):
        products = [_product(rng, n, count) for n in numbers]
        parents = [as_parent(p) for p in products if variants and rng.random() * 100 < variants]
        with batch_transaction():
            insert(Product, products, batch_size)
            insert(link, _links(rng, products, category_ids), batch_size)
            families = [family(rng, parent, options) for parent in parents]
            children = insert_families(families, batch_size)
            insert(StockMovement, _initial_movements(products + children), batch_size)
        _remember(state, products, families)
        progress.advance(len(products))
    return state


def _product(rng: random.Random, n: int, count: int) -> Product:
    adjective, material, noun = rng.choice(ADJECTIVES), rng.choice(MATERIALS), rng.choice(NOUNS)
    title = f"{adjective} {material} {noun}"
    rated = rng.randint(0, 400) if rng.random() < 0.8 else 0
    created = spread(CATALOG_START, CATALOG_SPAN, n, count)
    product = Product(
        sku=f"GEN-{n + 1:07d}",
        slug=f"{slugify(title)}-{n + 1}",
        title=title,
        description=f"A {adjective.lower()} {noun.lower()} in {material.lower()}. {rng.choice(FEATURES)}",
        price=(Decimal(rng.randint(199, 49999)) * CENT).quantize(CENT),
        image=f"https://img.example.com/products/{n + 1}.jpg",
        stock=0 if rng.random() < 0.08 else rng.randint(1, 500),
        is_active=rng.random() >= 0.05 or n == 0,  # at least one active product for carts and orders
        rating_rate=(Decimal(rng.randint(100, 500)) * CENT).quantize(CENT) if rated else Decimal("0.00"),
        rating_count=rated,
        created_at=created,
        updated_at=created,
    )
    product.rating_sum = product.rating_rate * product.rating_count
    return product


def _links(rng: random.Random, products: list[Product], category_ids: list[int]) -> list:
    if not category_ids:
        return []
    link = Product.categories.through
    rows = []
    for product in products:
        for category_id in rng.sample(category_ids, k=min(len(category_ids), rng.choice((1, 1, 2, 3)))):
            rows.append(link(product_id=product.pk, category_id=category_id))
    return rows


def _initial_movements(products: list[Product]) -> list[StockMovement]:
    return [
        StockMovement(
            product_id=p.pk,
            delta=p.stock,
            reason=StockMovement.Reason.INITIAL,
            reference=REFERENCE,
            created_at=p.created_at,
        )
        for p in products
        if p.stock
    ]


def _remember(state: CatalogState, products: list[Product], families: list) -> None:
    titles = {pk: title for f in families if f.parent.is_active for pk, title in f.titles().items()}
    children = [child for f in families for child, _ in f.children]
    for product in products + children:
        state.listed += [] if product.is_child else [product.pk]
        purchasable = product.is_active and not product.is_parent and (not product.is_child or product.pk in titles)
        if purchasable:
            state.active.append(len(state.ids))
        state.ids.append(product.pk)
        state.skus.append(product.sku)
        state.titles.append(titles.get(product.pk, product.title))
        state.prices.append(product.price)
        state.stock.append(product.stock)
