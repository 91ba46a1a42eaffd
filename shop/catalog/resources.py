"""Import/export of the catalog. Products by sku, categories by slug; stock enters the ledger."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from import_export import fields

from shop.accounts.models import User
from shop.catalog.models import Category, Product, Rating, StockMovement
from shop.catalog.services import rating_set, stock_set
from shop.core.importexport import KeyForeignKeyWidget, KeyManyToManyWidget, ShopResource

#: Product columns written by `save()`; stock goes through the ledger, the rating summary is derived.
PRODUCT_SAVED_FIELDS = ("sku", "slug", "title", "description", "price", "image", "is_active", "updated_at")


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
        super().validate_instance(instance, import_validation_errors, validate_unique)
        parent = instance.parent
        if instance.pk and parent and (parent.pk == instance.pk or parent.path.startswith(f"{instance.path}/")):
            raise ValidationError({"parent": "A category cannot be placed under itself or one of its subcategories."})


class ProductResource(ShopResource):
    categories = fields.Field(
        attribute="categories",
        column_name="categories",
        widget=KeyManyToManyWidget(Category, field="slug", separator="|"),
    )
    rating_rate = fields.Field(attribute="rating_rate", column_name="rating_rate", readonly=True)
    rating_count = fields.Field(attribute="rating_count", column_name="rating_count", readonly=True)

    class Meta:
        model = Product
        import_id_fields = ("sku",)
        fields = (
            "sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories",
            "rating_rate", "rating_count",
        )  # fmt: skip
        skip_unchanged = True
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        if not row.get("slug") and row.get("title"):
            row["slug"] = slugify(row["title"])[:200]

    def do_instance_save(self, instance, is_create):
        """Save every column but stock; `after_save_instance` moves the stock through the ledger."""
        target, instance._import_stock = instance.stock, instance.stock
        if is_create:
            instance.stock = 0
            instance.save(force_insert=True)
        else:
            instance.save(update_fields=PRODUCT_SAVED_FIELDS)
        instance.stock = target

    def after_save_instance(self, instance, row, **kwargs):
        target = getattr(instance, "_import_stock", None)
        if target is None or (kwargs.get("dry_run") and not kwargs.get("using_transactions")):
            return
        reference = f"import {kwargs.get('file_name') or ''}".strip()[:100]
        user = kwargs.get("user")
        stock_set(product=instance, stock=target, reason=StockMovement.Reason.IMPORT, reference=reference, by=user)


class RatingResource(ShopResource):
    """Ratings by (customer email, product sku); saved through `rating_set`, so the summary follows."""

    user = fields.Field(attribute="user", column_name="user", widget=KeyForeignKeyWidget(User, field="email"))
    product = fields.Field(attribute="product", column_name="product", widget=KeyForeignKeyWidget(Product, field="sku"))
    created_at = fields.Field(attribute="created_at", column_name="created_at", readonly=True)

    class Meta:
        model = Rating
        import_id_fields = ("user", "product")
        fields = ("user", "product", "value", "created_at")
        export_order = ("user", "product", "value", "created_at")
        skip_unchanged = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("user", "product")

    def do_instance_save(self, instance, is_create):
        rating_set(product=instance.product, user=instance.user, value=instance.value)
        instance.pk = Rating.objects.values_list("pk", flat=True).get(product=instance.product, user=instance.user)
