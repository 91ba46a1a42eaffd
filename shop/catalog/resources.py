"""Import/export of the catalog. Products by sku, categories by slug, reviews by customer email and sku. Rows
are saved through the catalog services, so an import obeys the same rules as the API and the admin (stock enters
the ledger, a category move takes the tree lock and is checked for a cycle, a review's words wait for
moderation); a service refusal becomes the row's error."""

from django.utils.text import slugify
from import_export import fields
from import_export.widgets import BooleanWidget, DecimalWidget, IntegerWidget

from shop.accounts.models import User
from shop.catalog.models import Category, Product, Review, StockMovement
from shop.catalog.reviews import review_submit
from shop.catalog.services import (
    PRODUCT_FIELDS,
    category_check_parent,
    category_create,
    category_update,
    product_create,
    product_update,
)
from shop.core.importexport import (
    KeyForeignKeyWidget,
    KeyManyToManyWidget,
    ShopResource,
    adopt_saved,
    service_errors,
)

CATEGORY_FIELDS = ("name", "slug", "parent", "description")


class CategoryResource(ShopResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=KeyForeignKeyWidget(Category, field="slug"))
    path = fields.Field(attribute="path", column_name="path", readonly=True)

    class Meta:
        model = Category
        import_id_fields = ("slug",)
        fields = ("slug", "name", "parent", "description", "path")
        skip_unchanged = True
        clean_model_instances = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The preview shows a cycle on its row; the save checks again under the tree lock."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        with service_errors():
            category_check_parent(category=instance, parent=instance.parent)

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in CATEGORY_FIELDS}
        if is_create:
            adopt_saved(instance, category_create(**values))
        else:
            category_update(category=instance, **values)


class ProductResource(ShopResource):
    categories = fields.Field(
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
        fields = (
            "sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories",
            "rating_rate", "rating_count",
        )  # fmt: skip
        skip_unchanged = True
        clean_model_instances = True

    def get_queryset(self):
        """Each row's product with its categories, which the unchanged-row check and the preview compare."""
        return super().get_queryset().prefetch_related("categories")

    def before_import_row(self, row, **kwargs):
        if not row.get("slug") and row.get("title"):
            row["slug"] = slugify(row["title"])[:200]

    def before_save_instance(self, instance, row, **kwargs):
        """What `do_instance_save` hands to the service besides the row's columns: the categories (only when
        the file has the column), and the stock movement's reference and author."""
        instance._import_categories = getattr(instance, "cleaned_m2m", {}).get("categories")
        instance._import_stock = {
            "stock_reason": StockMovement.Reason.IMPORT,
            "stock_reference": f"import {kwargs.get('file_name') or ''}".strip()[:100],
            "by": kwargs.get("user"),
        }

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in PRODUCT_FIELDS}
        stock = {"stock": instance.stock, **instance._import_stock}
        categories = instance._import_categories
        if is_create:
            adopt_saved(instance, product_create(**values, categories=categories or (), **stock))
        else:
            product_update(product=instance, **values, categories=categories, **stock)

    def save_m2m(self, instance, row, **kwargs):
        """The categories were written by the service, with the row."""


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
