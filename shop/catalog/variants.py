"""Variant rules, the one home of each: what a parent, a child and a standalone product may hold, a child's
option values (one per attribute of its parent's option set, a combination no sibling has), the parent's
price (its cheapest active variant's), and the attributes staff manage. `services.product_create` and
`product_update` call these, so the API, the admin and the import obey the same rules.

A child's option combination is kept unique by the database: `Product.option_key` holds its value ids in
attribute order, unique per parent (`product_variant_options_unique`).
"""

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Min, OuterRef, ProtectedError, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from shop.catalog.models import Attribute, AttributeValue, Product, ProductOption
from shop.core.exceptions import Conflict, InvalidInput
from shop.core.translated import translations_set

Structure = Product.Structure
OPTION_SEPARATOR = "|"
CHOOSE_A_VARIANT = "Product {pk} has variants: choose one of them."
PARENT_HAS_NO_STOCK = "A parent has no stock of its own: its variants are stocked."
PARENT_PRICE_FOLLOWS = "A parent's price is its cheapest active variant's and follows them."


# --- Options as text ("size=m|colour=red") --------------------------------------------------------


def options_parse(text: str) -> dict[str, str]:
    """`"size=m|colour=red"` → `{"size": "m", "colour": "red"}`; raises ValueError on a malformed pair or an
    attribute named twice."""
    options = {}
    for pair in (part.strip() for part in str(text or "").split(OPTION_SEPARATOR)):
        if not pair:
            continue
        attribute, sep, value = (piece.strip() for piece in pair.partition("="))
        if not sep or not attribute or not value:
            raise ValueError(f"{pair!r} is not attribute=value (e.g. size=m{OPTION_SEPARATOR}colour=red).")
        if attribute in options:
            raise ValueError(f"The attribute {attribute!r} is given twice.")
        options[attribute] = value
    return options


def options_format(options: Mapping[str, str]) -> str:
    return OPTION_SEPARATOR.join(f"{attribute}={value}" for attribute, value in options.items())


# --- Reading a product's options from prefetched rows ----------------------------------------------


def product_options(product: Product) -> dict[str, str]:
    """`{attribute slug: value slug}` of a variant, in attribute order ({} for others); reads `option_values`
    (prefetched by the selectors with attribute and value)."""
    if not product.is_child:
        return {}
    return {row.attribute.slug: row.value.slug for row in _option_rows(product)}


def _option_rows(product: Product) -> list[ProductOption]:
    return sorted(product.option_values.all(), key=lambda row: _attribute_order(row.attribute))


def _attribute_order(attribute: Attribute) -> tuple:
    return (attribute.position, attribute.name, attribute.pk)


def option_attribute_slugs(product: Product) -> list[str]:
    """A parent's option set as attribute slugs, in attribute order ([] for others)."""
    if not product.is_parent:
        return []
    return [attribute.slug for attribute in sorted(product.option_attributes.all(), key=_attribute_order)]


def variant_title(product: Product) -> str:
    """What a line of a cart or an order calls the product: its own title, else its parent's with the option
    names ("T-shirt (M, Red)")."""
    if product.title or not product.is_child:
        return product.title
    names = [
        row.value.name for row in sorted(product.option_values.all(), key=lambda row: _attribute_order(row.attribute))
    ]
    return f"{product.parent.title} ({', '.join(names)})" if names else product.parent.title


# --- Checking a product's structure --------------------------------------------------------------


def attributes_from_slugs(slugs: Iterable[str]) -> list[Attribute]:
    """The attributes named by `slugs` (duplicates ignored); any unknown slug is a 400 naming it."""
    wanted = list(dict.fromkeys(slugs))
    found = {attribute.slug: attribute for attribute in Attribute.objects.filter(slug__in=wanted)}
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise InvalidInput({"option_attributes": [f"Unknown attributes: {', '.join(missing)}."]})
    return [found[slug] for slug in wanted]


def structure_check(
    *, structure: str, parent: Product | None, options: Mapping | None, option_attributes: Iterable | None, stock: int
) -> None:
    """What each structure may hold: a parent its option set and no stock, a child a parent and options,
    a standalone product neither."""
    errors = {}
    if structure not in Structure.values:
        errors["structure"] = [f"Choose one of {', '.join(Structure.values)}."]
    if structure == Structure.CHILD and parent is None:
        errors["parent"] = ["A variant needs its parent product."]
    if structure != Structure.CHILD and parent is not None:
        errors["parent"] = ["Only a variant (structure child) has a parent."]
    if structure != Structure.CHILD and options:
        errors["options"] = ["Only a variant (structure child) has options."]
    if structure == Structure.PARENT and not option_attributes:
        errors["option_attributes"] = ['A parent needs the attributes its variants vary by, e.g. ["size"].']
    if structure != Structure.PARENT and option_attributes:
        errors["option_attributes"] = ["Only a parent has option attributes."]
    if structure == Structure.PARENT and stock:
        errors["stock"] = [PARENT_HAS_NO_STOCK]
    if errors:
        raise InvalidInput(errors)


def parent_lock(*, parent) -> Product:
    """Lock a variant's parent row (its siblings' combinations and its price are decided under it); a parent
    given by id that is no parent product is a 400."""
    pk = parent.pk if isinstance(parent, Product) else parent
    locked = Product.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not locked.is_parent:
        raise InvalidInput({"parent": [f"Product {pk} is not a parent product (structure parent)."]})
    return locked


def variant_values(*, parent: Product, options: Mapping[str, str]) -> list[AttributeValue]:
    """The attribute values that `options` ({attribute slug: value slug}) name: exactly one for each
    attribute of the parent's option set, in attribute order. Anything else is a 400 under `options`."""
    attributes = sorted(parent.option_attributes.all(), key=_attribute_order)
    wanted = {attribute.slug for attribute in attributes}
    errors = []
    if missing := [slug for slug in wanted if slug not in (options or {})]:
        errors.append(f"Missing a value for: {', '.join(sorted(missing))}.")
    if extra := [slug for slug in (options or {}) if slug not in wanted]:
        errors.append(f"Not an option of the parent ({', '.join(sorted(wanted))}): {', '.join(sorted(extra))}.")
    values = []
    for attribute in attributes:
        slug = (options or {}).get(attribute.slug)
        value = attribute.values.filter(slug=slug).first() if slug else None
        if slug and value is None:
            errors.append(f"{attribute.slug} has no value {slug!r}.")
        values.append(value)
    if errors:
        raise InvalidInput({"options": errors})
    return values


def variant_check(
    *,
    structure: str,
    parent: Product | None,
    options: Mapping | None,
    option_attributes: Iterable[str] | None,
    stock: int = 0,
    exclude_pk: int | None = None,
) -> None:
    """Every variant rule that can be checked before saving (no locks): for forms and import previews, which
    show the errors on their fields; the save checks again (`product_create`, `product_update`). For an
    existing product (`exclude_pk`), option attributes not given are its own (unchanged, as in the update)."""
    if option_attributes is None and exclude_pk is not None and structure == Structure.PARENT:
        own = Product.option_attributes.through.objects.filter(product_id=exclude_pk)
        option_attributes = list(own.values_list("attribute__slug", flat=True))
    structure_check(
        structure=structure,
        parent=parent,
        options=options if structure != Structure.CHILD else None,
        option_attributes=option_attributes,
        stock=stock,
    )
    attributes_from_slugs(option_attributes or ())
    if structure != Structure.CHILD:
        return
    if not parent.is_parent:
        raise InvalidInput({"parent": [f"Product {parent.pk} is not a parent product (structure parent)."]})
    if options is not None or exclude_pk is None:
        key = option_key(variant_values(parent=parent, options=options or {}))
        variant_check_unique(parent=parent, key=key, exclude_pk=exclude_pk)


def option_key(values: Iterable[AttributeValue]) -> str:
    return ",".join(str(value.pk) for value in values)


def variant_check_unique(*, parent: Product, key: str, exclude_pk: int | None = None) -> None:
    twin = Product.objects.filter(parent=parent, option_key=key).exclude(pk=exclude_pk).values_list("sku", flat=True)
    if sku := twin.first():
        raise InvalidInput({"options": [f"Another variant of this product ({sku}) has these options."]})


def variant_slug(*, parent: Product, values: Iterable[AttributeValue]) -> str:
    return slugify("-".join([parent.slug, *(value.slug for value in values)]))[:200]


def options_write(*, product: Product, values: list[AttributeValue]) -> None:
    """Make the variant's option rows exactly `values` (its `option_key` was saved with the row)."""
    ProductOption.objects.filter(product=product).delete()
    ProductOption.objects.bulk_create(
        ProductOption(product=product, attribute_id=value.attribute_id, value=value) for value in values
    )


def parent_price_refresh(*, parent: Product) -> None:
    """A parent's stored price is its cheapest active variant's (lists order and filter by it); with no active
    variant it keeps the last one."""
    parent_prices_refresh(parent_ids=[parent.pk])
    parent.price = Product.objects.values_list("price", flat=True).get(pk=parent.pk)


def parent_price_check(*, product: Product, price: Decimal | None, stored: Decimal) -> None:
    """A stored parent's price is not set by hand: `price` (None: not given) must be its `stored` price."""
    if product.is_parent and price is not None and price != stored:
        raise InvalidInput({"price": [f"{PARENT_PRICE_FOLLOWS} It is {stored} now ({product.sku})."]})


def parent_prices_refresh(*, parent_ids: Iterable[int]) -> int:
    """The parent price rule (`parent_price_refresh`) for many parents in one UPDATE, for bulk writers such as
    `generate_data`. Returns how many parents were written."""
    cheapest = (
        Product.objects.filter(parent=OuterRef("pk"), is_active=True)
        .order_by()
        .values("parent")
        .annotate(cheapest=Min("price"))
        .values("cheapest")
    )
    parents = Product.objects.filter(pk__in=list(parent_ids), structure=Structure.PARENT)
    return parents.update(price=Coalesce(Subquery(cheapest), F("price")))


def attributes_sorted(attributes: Iterable[Attribute]) -> list[Attribute]:
    """Attributes in the order a variant's option values are kept (`option_key`) and shown."""
    return sorted(attributes, key=_attribute_order)


# --- Attributes and their values -------------------------------------------------------------------


ATTRIBUTE_IN_USE = "A value that variants use cannot be removed: change or delete those variants first."


@transaction.atomic
def attribute_create(
    *, name: str, slug: str, position: int = 0, values: Iterable[Mapping] = (), translations: Mapping | None = None
) -> Attribute:
    """Create an attribute with its values (`[{"name": "M", "slug": "m"}]`, slug defaults to the name's);
    `translations` names it in other languages (`{"tr": {"name": "Beden"}}`)."""
    if Attribute.objects.filter(slug=slug).exists():
        raise InvalidInput({"slug": ["An attribute with this slug already exists."]})
    attribute = Attribute(name=name, slug=slug, position=position)
    translations_set(attribute, translations)
    attribute.save()
    _values_set(attribute, values)
    return attribute


@transaction.atomic
def attribute_update(
    *, attribute: Attribute, name: str | None = None, slug: str | None = None, position: int | None = None, values=None
) -> Attribute:
    """Change the given fields; `values` (when given) becomes the whole list: values matched by slug are renamed
    or reordered, new ones added, missing ones removed unless a variant uses them (409)."""
    if slug is not None and Attribute.objects.filter(slug=slug).exclude(pk=attribute.pk).exists():
        raise InvalidInput({"slug": ["An attribute with this slug already exists."]})
    for field, value in (("name", name), ("slug", slug), ("position", position)):
        if value is not None:
            setattr(attribute, field, value)
    attribute.save()
    if values is not None:
        _values_set(attribute, values)
    return attribute


def _values_set(attribute: Attribute, values: Iterable[Mapping]) -> None:
    wanted = {}
    for position, value in enumerate(values):
        slug = value.get("slug") or slugify(value["name"])[:50]
        if not slug or slug in wanted:
            raise InvalidInput({"values": [f"Each value needs a slug of its own ({value['name']!r})."]})
        wanted[slug] = {"name": value["name"], "position": value.get("position", position)}
    existing = {value.slug: value for value in attribute.values.all()}
    gone = [value.pk for slug, value in existing.items() if slug not in wanted]
    if gone and ProductOption.objects.filter(value_id__in=gone).exists():
        raise Conflict(ATTRIBUTE_IN_USE)
    AttributeValue.objects.filter(pk__in=gone).delete()
    for slug, fields in wanted.items():
        AttributeValue.objects.update_or_create(attribute=attribute, slug=slug, defaults=fields)


@transaction.atomic
def attribute_delete(*, attribute: Attribute) -> None:
    """Delete an attribute no parent varies by and no variant uses (else 409)."""
    in_use = Product.option_attributes.through.objects.filter(attribute=attribute).exists()
    try:
        if in_use:
            raise ProtectedError("in use", set())
        with transaction.atomic():
            attribute.delete()
    except (ProtectedError, IntegrityError):
        raise Conflict("An attribute that products vary by cannot be deleted.") from None


def price_range(variants: Iterable[Product]) -> dict[str, Decimal] | None:
    prices = [variant.price for variant in variants]
    return {"min": min(prices), "max": max(prices)} if prices else None


def parents_of(products: Iterable[Product]) -> list[Product]:
    """The parents of the variants among `products`, locked in primary-key order."""
    ids = sorted({product.parent_id for product in products if product.parent_id})
    return list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def combinations(*, parent: Product, values: Iterable[AttributeValue]) -> list[list[AttributeValue]]:
    """Every combination of the chosen values, one per attribute of the parent's option set, in attribute
    order; an attribute with no value chosen, or a value of another attribute, is a 400."""
    attributes = sorted(parent.option_attributes.all(), key=_attribute_order)
    chosen = {attribute.pk: [] for attribute in attributes}
    for value in sorted(values, key=lambda value: (value.position, value.name, value.pk)):
        if value.attribute_id not in chosen:
            raise InvalidInput({"values": [f"{value} is not an option of {parent.title}."]})
        chosen[value.attribute_id].append(value)
    if empty := [attribute.name for attribute in attributes if not chosen[attribute.pk]]:
        raise InvalidInput({"values": [f"Choose at least one value of: {', '.join(empty)}."]})
    return [list(combination) for combination in itertools.product(*chosen.values())]
