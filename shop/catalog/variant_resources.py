"""The variant columns of the product import/export: `structure`, `parent_sku`, `options` (`size=m|colour=red`)
and `option_attributes` (a parent's `size|colour`). A parent and its variants import from one file in any row
order: variant rows are imported after the others (the rows keep their numbers in the preview and the errors),
and a row that other rows name as their parent becomes a parent varying by their options unless the file says
otherwise. The rules are the services' (`shop.catalog.variants`), checked again in the preview.

A file with any variant column is imported row by row through `product_create` / `product_update` (a variant
needs its parent saved first, and the variant rules live there); one without them keeps the bulk path
(`products_save_many`), which can only update existing variants and parents and keeps the same rules: the
preview below checks both paths' rows alike, and both writers take a parent's price from
`shop.catalog.variants` (tests/admin/test_import_paths.py runs the same bad rows through both)."""

import copy
from decimal import Decimal

from import_export import fields
from import_export.widgets import Widget

from shop.catalog import variants
from shop.catalog.models import Product
from shop.catalog.services import PRODUCT_FIELDS, product_create, product_update
from shop.core.exceptions import InvalidInput
from shop.core.importexport import KeyForeignKeyWidget, ShopResource, adopt_saved, service_errors
from shop.core.money import to_money
from shop.core.translated import instance_translations

Structure = Product.Structure
SLUG_SEPARATOR = "|"
VARIANT_COLUMNS = ("structure", "parent_sku", "options", "option_attributes")


class OptionsWidget(Widget):
    """`size=m|colour=red` ↔ `{"size": "m", "colour": "red"}`; a malformed pair is the cell's error, an
    empty cell None (a variant's options unchanged)."""

    def clean(self, value, row=None, **kwargs):
        return variants.options_parse(value) or None

    def render(self, value, obj=None, **kwargs):
        return variants.options_format(value or {})


class SlugListWidget(Widget):
    """`size|colour` ↔ `["size", "colour"]`; an empty cell None (unchanged)."""

    def clean(self, value, row=None, **kwargs):
        return [slug.strip() for slug in str(value or "").split(SLUG_SEPARATOR) if slug.strip()] or None

    def render(self, value, obj=None, **kwargs):
        return SLUG_SEPARATOR.join(value or [])


class VariantColumnsResource(ShopResource):
    """ProductResource's base: the variant columns, the row order and the variant rules in the preview."""

    parent_sku = fields.Field(attribute="parent", column_name="parent_sku", widget=KeyForeignKeyWidget(Product, "sku"))
    options = fields.Field(attribute="import_options", column_name="options", widget=OptionsWidget())
    option_attributes = fields.Field(
        attribute="import_option_attributes", column_name="option_attributes", widget=SlugListWidget()
    )

    def filter_export(self, queryset, **kwargs):
        """What the variant columns read, for every exported row at once (an import reads a row's own)."""
        lookups = ("option_values__attribute", "option_values__value", "option_attributes")  # the admin's too
        return super().filter_export(queryset, **kwargs).select_related("parent").prefetch_related(*lookups)

    def dehydrate_options(self, product):
        return variants.options_format(variants.product_options(product))

    def dehydrate_option_attributes(self, product):
        return SLUG_SEPARATOR.join(variants.option_attribute_slugs(product))

    # --- Row order and what a row leaves to the file's other rows -------------------------------------

    def before_import(self, dataset, **kwargs):
        self.row_numbers = None
        if any(column in dataset.headers for column in VARIANT_COLUMNS):
            self._meta = copy.copy(self._meta)  # this import only: row by row
            self._meta.use_bulk = False
        if "parent_sku" in dataset.headers:
            self._parents_first(dataset)
        super().before_import(dataset, **kwargs)

    def _parents_first(self, dataset) -> None:
        _infer_parents(dataset)
        rows = list(dataset.dict)
        order = sorted(range(len(rows)), key=lambda i: bool(str(rows[i].get("parent_sku") or "").strip()))
        self.row_numbers = {position: i + 1 for position, i in enumerate(order, 1)}
        reordered = [dataset[i] for i in order]
        del dataset[0 : len(dataset)]
        for row in reordered:
            dataset.append(row)

    def after_import(self, dataset, result, **kwargs):
        """Give each error back the number of its row in the file."""
        super().after_import(dataset, result, **kwargs)
        if self.row_numbers:
            for row in (*result.invalid_rows, *result.error_rows):
                row.number = self.row_numbers.get(row.number, row.number)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for column in ("structure", "option_attributes"):
            if column in row and not str(row[column] or "").strip():
                del row[column]  # not given: a new product's default, an existing one's own

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Compare the row's options and option set with what the product has now."""
        if original is not None and original.pk:
            original.import_options = variants.product_options(original) or None
            original.import_option_attributes = variants.option_attribute_slugs(original) or None
        return super().skip_row(instance, original, row, import_validation_errors)

    # --- Checks and saving ----------------------------------------------------------------------------

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        stored = _stored_parent_price(instance)
        if instance.structure == Structure.PARENT and instance.price is None:
            instance.price = Decimal(0) if stored is None else stored  # as `product_create` stores it / unchanged
        super().validate_instance(instance, import_validation_errors, validate_unique)
        with service_errors():
            variants.variant_check(
                structure=_structure(instance),
                parent=instance.parent,
                options=getattr(instance, "import_options", None),
                option_attributes=getattr(instance, "import_option_attributes", None),
                stock=instance.stock or 0,
                exclude_pk=instance.pk,
            )
            if stored is not None:
                variants.parent_price_check(product=instance, price=to_money(instance.price), stored=stored)

    def clean_exclude(self, instance):
        """A variant may leave its title to its parent and its slug to the service; a parent's price follows
        its variants."""
        if instance.parent_id:
            return ("title", "slug")
        return ("price",) if instance.structure == Structure.PARENT else ()

    def do_instance_save(self, instance, is_create):
        """A row of a file with variant columns, through the product services."""
        values = {name: getattr(instance, name) for name in PRODUCT_FIELDS}
        if instance.structure == Structure.PARENT:
            values["price"] = None  # follows its variants
        extra = {"stock": instance.stock, **self._stock_note, **self.variant_values(instance, is_create)}
        extra["translations"] = instance_translations(instance, PRODUCT_FIELDS)
        categories = instance._import_categories
        if is_create:
            adopt_saved(instance, product_create(**values, categories=categories or (), **extra))
        else:
            product_update(product=instance, **values, categories=categories, **extra)

    def variant_values(self, instance, is_create: bool) -> dict:
        """What `product_create` / `product_update` take for the variant columns of this row."""
        values = {
            "options": getattr(instance, "import_options", None),
            "option_attributes": getattr(instance, "import_option_attributes", None),
        }
        if is_create:
            return {**values, "structure": _structure(instance), "parent": instance.parent}
        current = Product.objects.filter(pk=instance.pk).values_list("structure", "parent_id").first()
        if current != (instance.structure, instance.parent_id):
            raise InvalidInput({"structure": ["A product keeps its structure and its parent."]})
        return {name: value for name, value in values.items() if value is not None}


def _stored_parent_price(instance: Product) -> Decimal | None:
    """An existing parent's price as stored (a file's row may repeat it, not change it); None for others."""
    if instance.pk is None or instance.structure != Structure.PARENT:
        return None
    return Product.objects.filter(pk=instance.pk).values_list("price", flat=True).first()


def _structure(instance: Product) -> str:
    if instance.structure:
        return instance.structure
    return Structure.CHILD if instance.parent_id else Structure.STANDALONE


def _infer_parents(dataset) -> None:
    """Rows named by other rows' `parent_sku` become parents (unless the row says otherwise), varying by the
    attributes of their variants' options (unless the row names them, or the product exists already)."""
    rows = list(dataset.dict)
    varying = {}
    for row in rows:
        parent_sku = str(row.get("parent_sku") or "").strip()
        if parent_sku:
            try:
                keys = variants.options_parse(row.get("options") or "")
            except ValueError:
                keys = {}  # the row's own error, shown on it
            varying.setdefault(parent_sku, {}).update(dict.fromkeys(keys))
    existing = set(Product.objects.filter(sku__in=list(varying)).values_list("sku", flat=True))
    structures, attributes = [], []
    for row in rows:
        sku = str(row.get("sku") or "").strip()
        named = sku in varying and not str(row.get("parent_sku") or "").strip()
        structure = str(row.get("structure") or "").strip()
        structures.append(
            structure or (Structure.PARENT if named else Structure.CHILD if row.get("parent_sku") else "")
        )
        given = str(row.get("option_attributes") or "").strip()
        inferred = named and not given and sku not in existing
        attributes.append(SLUG_SEPARATOR.join(varying[sku]) if inferred else given)
    _set_column(dataset, "structure", structures)
    _set_column(dataset, "option_attributes", attributes)


def _set_column(dataset, header: str, values: list) -> None:
    if header in dataset.headers:
        del dataset[header]
    dataset.append_col(values, header=header)
