"""Import/export of the catalog. Products by sku, categories by slug, reviews by customer email and sku. Rows
are saved through the catalog services, so an import obeys the same rules as the API and the admin (stock enters
the ledger, a category move takes the tree lock and is checked for a cycle, a review's words wait for
moderation); a service refusal becomes the row's error.

Products are validated and written in bulk (a 10,000-row file in a few dozen statements, not 24 a row): the
file's existing products, skus and slugs are read a few thousand at a time, and batches of rows go through
`shop.catalog.bulk.products_save_many`, which keeps the rules of `product_create` / `product_update`."""

from django.db import DatabaseError
from django.utils.text import slugify
from import_export import fields
from import_export.widgets import BooleanWidget, DecimalWidget, IntegerWidget

from shop.accounts.models import User
from shop.catalog import variants
from shop.catalog.bulk import ProductWrite, product_values_clean, products_save_many
from shop.catalog.models import Attribute, Category, Product, Review, StockMovement
from shop.catalog.reviews import review_submit
from shop.catalog.services import (
    PRODUCT_UNIQUE_FIELDS,
    category_check_parent,
    category_create,
    category_update,
)
from shop.catalog.variant_resources import VariantColumnsResource
from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError
from shop.core.importexport import (
    KeyForeignKeyWidget,
    KeyManyToManyWidget,
    PrefetchedInstanceLoader,
    ShopResource,
    UniqueValues,
    adopt_saved,
    service_errors,
)
from shop.core.translated import instance_translations, translated_columns

CATEGORY_FIELDS = ("name", "slug", "parent", "description")
ATTRIBUTE_FIELDS = ("slug", "name", "position")


class CategoryResource(ShopResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=KeyForeignKeyWidget(Category, field="slug"))
    path = fields.Field(attribute="path", column_name="path", readonly=True)

    class Meta:
        model = Category
        import_id_fields = ("slug",)
        fields = translated_columns(Category, ("slug", "name", "parent", "description", "path"))
        skip_unchanged = True
        clean_model_instances = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The preview shows a cycle on its row; the save checks again under the tree lock."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        with service_errors():
            category_check_parent(category=instance, parent=instance.parent)

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in CATEGORY_FIELDS}
        translations = instance_translations(instance, CATEGORY_FIELDS)
        if is_create:
            adopt_saved(instance, category_create(**values, translations=translations))
        else:
            category_update(category=instance, **values, translations=translations)


class _Loaded(list):
    """Related objects held in a list, answering `.all()` as a related manager does."""

    def all(self):
        return self


class CategoriesField(fields.Field):
    """A product's categories as the import holds them (`loaded_categories`: as loaded, then as the row wants
    them), so that the copy import-export keeps of every row (a deep copy, which drops a queryset's cache)
    and the preview's diff ask no query of their own. Exports read the (prefetched) relation."""

    def get_value(self, instance):
        loaded = instance.__dict__.get("loaded_categories")
        return _Loaded(loaded) if loaded is not None else super().get_value(instance)


class ProductResource(VariantColumnsResource):
    """Products by sku, written in bulk (`products_save_many`); a file with variant columns row by row through
    the product services (`VariantColumnsResource`)."""

    categories = CategoriesField(
        attribute="categories",
        column_name="categories",
        widget=KeyManyToManyWidget(Category, field="slug", separator="|"),
    )
    rating_rate = fields.Field(
        attribute="rating_rate", column_name="rating_rate", readonly=True, widget=DecimalWidget()
    )
    rating_count = fields.Field(
        attribute="rating_count", column_name="rating_count", readonly=True, widget=IntegerWidget()
    )

    #: Its check constraints repeat field validators (price and stock not negative) or cover the rating
    #: summary, which no file sets; checking them row by row was a third of an import's time.
    validate_constraints = False

    class Meta:
        model = Product
        import_id_fields = ("sku",)
        fields = translated_columns(Product, (
            "sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories",
            "rating_rate", "rating_count", "structure", "parent_sku", "options", "option_attributes",
        ))  # fmt: skip
        skip_unchanged = True
        clean_model_instances = True
        use_bulk = True
        batch_size = 1_000
        instance_loader_class = PrefetchedInstanceLoader

    def get_queryset(self):
        """Each row's product with its categories, which the unchanged-row check and the preview compare."""
        return super().get_queryset().prefetch_related("categories")

    def before_import(self, dataset, **kwargs):
        """Who holds the file's skus and slugs (a few queries for the whole file), and what the stock movements
        will say: their reason, the file's name and who imports it."""
        super().before_import(dataset, **kwargs)
        rows = dataset.dict
        for row in rows:
            self.before_import_row(row)
        self._unique = {
            name: UniqueValues(Product, name, (row.get(name) for row in rows)) for name in PRODUCT_UNIQUE_FIELDS
        }
        self._stock_note = {
            "stock_reason": StockMovement.Reason.IMPORT,
            "stock_reference": f"import {kwargs.get('file_name') or ''}".strip()[:100],
            "by": kwargs.get("user"),
        }

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not row.get("slug") and row.get("title"):
            row["slug"] = slugify(row["title"])[:200]
        self._row_number = kwargs.get("row_number")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Uniqueness of sku and slug against the prefetched owners and the earlier rows, not a query a row."""
        errors = dict(import_validation_errors or {})
        for name, unique in self._unique.items():
            error = None if name in errors else unique.error(instance, self._row_number)
            if error:
                errors[name] = error
        super().validate_instance(instance, errors, validate_unique=False)
        with service_errors():
            product_values_clean(product=instance)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.loaded_categories = [] if new else list(instance.categories.all())

    def before_save_instance(self, instance, row, **kwargs):
        """The categories go to the service with the product, only when the file has the column."""
        instance._import_categories = getattr(instance, "cleaned_m2m", {}).get("categories")
        if instance._import_categories is not None:
            instance.loaded_categories = list(instance._import_categories)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._save_batch("created", self.create_instances, using_transactions, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._save_batch("updated", self.update_instances, using_transactions, dry_run, raise_errors, result)

    def _save_batch(self, kind, instances, using_transactions, dry_run, raise_errors, result):
        """A batch of rows through `products_save_many` (the rules of product_create / product_update, in bulk).
        A refusal fails the whole import (rolled back) with the service's words."""
        writes = [ProductWrite(product=instance, categories=instance._import_categories) for instance in instances]
        instances.clear()
        if not writes or (dry_run and not using_transactions):
            return
        try:
            products_save_many(**{kind: writes}, **self._stock_note)
        except DomainError as exc:
            self.handle_import_error(result, ValueError(error_text(exc)), raise_errors)
        except DatabaseError as exc:  # a constraint the validation did not foresee: the database is the last line
            self.handle_import_error(result, exc, raise_errors)

    def save_m2m(self, instance, row, **kwargs):
        """The categories are written by the service, with the product."""


class AttributeResource(ShopResource):
    """Attributes by slug, named in each language (`name`, `name_tr`), through `attribute_create` /
    `attribute_update`; their values are edited on the attribute's page."""

    class Meta:
        model = Attribute
        import_id_fields = ("slug",)
        fields = translated_columns(Attribute, ATTRIBUTE_FIELDS)
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in ATTRIBUTE_FIELDS}
        if is_create:
            translations = instance_translations(instance, ATTRIBUTE_FIELDS)
            adopt_saved(instance, variants.attribute_create(**values, translations=translations))
        else:
            variants.attribute_update(attribute=instance, **values)  # saves the row's other languages with it


class ReviewResource(ShopResource):
    """Reviews by (customer email, product sku), saved through `review_submit`: the same rules as the API
    (words wait for moderation, a bare rating counts at once) and the summary follows. `status` and
    `verified_purchase` are exported, never imported: staff approve imported words in the admin."""

    user = fields.Field(attribute="user", column_name="user", widget=KeyForeignKeyWidget(User, field="email"))
    product = fields.Field(attribute="product", column_name="product", widget=KeyForeignKeyWidget(Product, field="sku"))
    rating = fields.Field(attribute="rating", column_name="rating", widget=IntegerWidget())
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    verified_purchase = fields.Field(
        attribute="verified_purchase", column_name="verified_purchase", readonly=True, widget=BooleanWidget()
    )
    created_at = fields.Field(attribute="created_at", column_name="created_at", readonly=True)

    class Meta:
        model = Review
        import_id_fields = ("user", "product")
        fields = ("user", "product", "rating", "title", "body", "status", "verified_purchase", "created_at")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("user", "product")

    def do_instance_save(self, instance, is_create):
        review, _ = review_submit(
            product=instance.product,
            user=instance.user,
            rating=instance.rating,
            title=instance.title,
            body=instance.body,
        )
        instance.pk = review.pk
