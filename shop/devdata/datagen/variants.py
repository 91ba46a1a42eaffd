"""Products with variants (`generate_data --variants PERCENT`): that share of the generated products become
parents with 2-6 children over generated attributes (Size, Colour), in bulk like the rest of the catalog.

Each parent varies by Size, by Colour or by both; its children take distinct option combinations (so the
database's `product_variant_options_unique` holds), have their own SKU, price and stock, and no title of
their own (a line calls them "Parent (M, Red)", as `variant_title` does). A parent has no stock, and its
price is set by the catalog's own rule (`parent_prices_refresh`: the cheapest active child's), one UPDATE
per batch. Children come on top of `--products`: that many products are listed (standalone and parents).
"""

import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import prefetch_related_objects

from shop.catalog import variants as rules
from shop.catalog.models import Attribute, AttributeValue, Product, ProductOption
from shop.devdata.datagen.base import insert

ATTRIBUTES = (
    ("Size", "size", ("XS", "S", "M", "L", "XL", "XXL")),
    ("Colour", "colour", ("Black", "White", "Red", "Blue", "Green", "Grey", "Navy", "Yellow")),
)
CHILDREN = (2, 6)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OptionSet:
    """The attributes a parent may vary by, each with its values, in the catalog's attribute order."""

    attributes: list[Attribute]
    values: dict[int, list[AttributeValue]]

    def choose(self, rng: random.Random) -> list[Attribute]:
        """Size, Colour, or both."""
        return rng.choice(([self.attributes[0]], [self.attributes[1]], self.attributes))


def option_set() -> OptionSet:
    """Size and Colour with their values (reused when they exist): a handful of queries, once per run."""
    attributes = []
    for position, (name, slug, names) in enumerate(ATTRIBUTES):
        attribute, _ = Attribute.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
        for order, value in enumerate(names):
            AttributeValue.objects.get_or_create(
                attribute=attribute, slug=value.lower(), defaults={"name": value, "position": order}
            )
        attributes.append(attribute)
    attributes = rules.attributes_sorted(attributes)
    values = {a.pk: list(a.values.order_by("position", "name", "pk")) for a in attributes}
    return OptionSet(attributes, values)


@dataclass
class Family:
    """A parent, the attributes it varies by, and its children with their option values."""

    parent: Product
    attributes: list[Attribute]
    children: list[tuple[Product, list[AttributeValue]]]

    def titles(self) -> dict[int, str]:
        """What an order line calls each child ("Parent (M, Red)"): the catalog's `variant_title`, over the
        inserted rows (prefetched per batch by `insert_families`)."""
        return {child.pk: rules.variant_title(child) for child, _ in self.children}


def as_parent(product: Product) -> Product:
    product.structure = Product.Structure.PARENT
    product.stock = 0
    return product


def family(rng: random.Random, parent: Product, options: OptionSet) -> Family:
    """2-6 children of an inserted parent, each a distinct combination of its attributes' values."""
    attributes = rules.attributes_sorted(options.choose(rng))
    every = list(itertools.product(*(options.values[a.pk] for a in attributes)))
    picked = rng.sample(every, k=min(len(every), rng.randint(*CHILDREN)))
    children = [(_child(rng, parent, list(values), n), list(values)) for n, values in enumerate(picked, 1)]
    return Family(parent, attributes, children)


def _child(rng: random.Random, parent: Product, values: list[AttributeValue], n: int) -> Product:
    price = (parent.price * Decimal(rng.randint(80, 130)) / 100).quantize(CENT)
    return Product(
        sku=f"{parent.sku}-{n}",
        slug=rules.variant_slug(parent=parent, values=values),
        title="",
        price=price,
        stock=0 if rng.random() < 0.1 else rng.randint(1, 200),
        is_active=rng.random() >= 0.05,
        structure=Product.Structure.CHILD,
        parent=parent,
        option_key=rules.option_key(values),
        created_at=parent.created_at,
        updated_at=parent.created_at,
    )


def insert_families(families: list[Family], batch_size: int) -> list[Product]:
    """The children, their option rows and the parents' option sets; then the parents' prices by the rule.
    Returns the children (with their primary keys)."""
    children = [child for f in families for child, _ in f.children]
    insert(Product, children, batch_size)
    through = Product.option_attributes.through
    option_sets = [through(product_id=f.parent.pk, attribute_id=a.pk) for f in families for a in f.attributes]
    insert(through, option_sets, batch_size)
    rows = [
        ProductOption(product_id=child.pk, attribute_id=value.attribute_id, value_id=value.pk)
        for f in families
        for child, values in f.children
        for value in values
    ]
    insert(ProductOption, rows, batch_size)
    rules.parent_prices_refresh(parent_ids=[f.parent.pk for f in families])
    prefetch_related_objects(children, "option_values__attribute", "option_values__value")
    return children
