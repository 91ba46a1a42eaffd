"""Shapes of the catalog resources. Writable fields are exactly those not in `read_only_fields`."""

from rest_framework import serializers

from shop.catalog.api.fields import MAX_ID, ProductCategoriesField, category_document
from shop.catalog.api.images import ProductImageSerializer, product_image_fields
from shop.catalog.api.variants import ProductListSerializer, VariantFieldsMixin, variant_document
from shop.catalog.models import MAX_STOCK, REVIEW_BODY_MAX, REVIEW_TITLE_MAX, Category, Product, Review
from shop.catalog.reviews import MODERATION_STATUSES
from shop.catalog.selectors import product_categories, product_get
from shop.core.i18n import TranslationsField, translations_of
from shop.core.money import shop_currency
from shop.core.serializers import StrictModelSerializer, StrictSerializer


class CategorySerializer(StrictModelSerializer):
    translations = TranslationsField(Category)

    class Meta:
        model = Category
        fields = ("id", "name", "slug", "parent", "description", "translations")
        read_only_fields = ("id",)


class RatingSummarySerializer(serializers.Serializer):
    rate = serializers.DecimalField(source="rating_rate", max_digits=3, decimal_places=2, read_only=True)
    count = serializers.IntegerField(source="rating_count", read_only=True)


#: Formatting of the read path (`ProductSerializer.to_representation`), the declared fields' own, without
#: building the serializer's fields on every request.
_MONEY = serializers.DecimalField(max_digits=10, decimal_places=2)
_RATE = serializers.DecimalField(max_digits=3, decimal_places=2)
_DATETIME = serializers.DateTimeField()


TRANSLATED = ("title", "description")
VARIANT_FIELDS = ("structure", "parent", "options", "option_attributes", "variants", "price_range", "in_stock")


class ProductSerializer(VariantFieldsMixin, StrictModelSerializer):
    categories = ProductCategoriesField(
        required=False,
        help_text="Write: category ids, every id must exist. Read: `{id, slug, name}` of each (a variant without "
        "categories of its own: its parent's).",
    )
    stock = serializers.IntegerField(
        min_value=0, max_value=MAX_STOCK, required=False, help_text="Units on hand; a change writes a stock movement."
    )
    rating = RatingSummarySerializer(source="*", read_only=True, help_text="Stored summary; see /rating/.")
    currency = serializers.SerializerMethodField(help_text="ISO 4217: the shop's one currency (SHOP_CURRENCY).")
    thumbnail = serializers.URLField(read_only=True, allow_null=True, help_text="The primary image's thumbnail.")
    images = ProductImageSerializer(many=True, read_only=True, help_text="Uploaded images, by position.")
    translations = TranslationsField(Product)

    class Meta:
        model = Product
        fields = (
            "id",
            "sku",
            "slug",
            "title",
            "description",
            "price",
            "currency",
            "image",
            "thumbnail",
            "images",
            "categories",
            "stock",
            "is_active",
            "rating",
            "created_at",
            "updated_at",
            "translations",
            *VARIANT_FIELDS,
        )
        read_only_fields = ("id", "created_at", "updated_at")
        list_serializer_class = ProductListSerializer
        extra_kwargs = {  # a variant may leave them to its parent, a parent's price follows its variants
            "title": {"required": False, "allow_blank": True},
            "slug": {"required": False},
            "price": {"required": False},
            "image": {"help_text": "Read: the primary image's URL, else this external URL. Write: the external URL."},
        }

    def get_currency(self, product) -> str:
        return shop_currency()

    def to_representation(self, product):
        """The same document as the declared fields, built directly: DRF's field-by-field loop, and then
        building the fields on every request, were most of the serializer's time (bench/RESULTS.md).
        Formatting comes from fields of the same kinds (`_MONEY`, `_RATE`, `_DATETIME`)."""
        document = {
            "id": product.pk,
            "sku": product.sku,
            "slug": product.slug,
            "title": product.title,
            "description": product.description,
            "price": _MONEY.to_representation(product.price),
            "currency": shop_currency(),
            **product_image_fields(product, self.context.get("request")),
            "categories": [category_document(category) for category in product_categories(product)],
            "stock": product.stock,
            "is_active": product.is_active,
            "rating": {
                "rate": _RATE.to_representation(product.rating_rate),
                "count": product.rating_count,
            },
            "created_at": _DATETIME.to_representation(product.created_at),
            "updated_at": _DATETIME.to_representation(product.updated_at),
            "translations": translations_of(product, TRANSLATED),
        }
        return variant_document(self, product, document)


class ProductRatingSerializer(serializers.Serializer):
    """GET/POST /products/{id}/rating/ answer: the stored summary and the caller's own value."""

    rate = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    count = serializers.IntegerField(read_only=True)
    mine = serializers.IntegerField(read_only=True, allow_null=True, help_text="The caller's rating, or null.")


class RatingInputSerializer(StrictSerializer):
    value = serializers.IntegerField(min_value=1, max_value=5)


# --- Reviews and wishlists --------------------------------------------------------------------------


class ReviewSerializer(serializers.ModelSerializer):
    """A listed review. `author` is the first name and last initial, never the email. Text is plain text."""

    author = serializers.CharField(read_only=True, help_text='First name and last initial, e.g. "Jane D.".')

    class Meta:
        model = Review
        fields = ("id", "author", "rating", "title", "body", "verified_purchase", "created_at")
        read_only_fields = fields


class MyReviewSerializer(ReviewSerializer):
    """The caller's review as written: listed and counted only once `status` is `approved`."""

    class Meta(ReviewSerializer.Meta):
        fields = (*ReviewSerializer.Meta.fields, "status")
        read_only_fields = fields


class ModeratedReviewSerializer(ReviewSerializer):
    """A review as the moderators see it: with its product, author id and status."""

    class Meta(ReviewSerializer.Meta):
        fields = (*ReviewSerializer.Meta.fields, "product", "user", "status", "updated_at")
        read_only_fields = fields


class ReviewInputSerializer(StrictSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=REVIEW_TITLE_MAX, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=REVIEW_BODY_MAX, required=False, allow_blank=True, default="")


class ModerationInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=MODERATION_STATUSES)


class WishlistItemSerializer(serializers.Serializer):
    product = ProductSerializer(read_only=True, help_text="The product document, as /products/{id}/ gives it.")
    added_at = serializers.DateTimeField(read_only=True)


class WishlistInputSerializer(StrictSerializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An active product's id.")

    def validate_product(self, pk: int) -> Product:
        product = product_get(pk=pk)  # what anonymous callers see: active products
        if product is None:
            raise serializers.ValidationError(f"No active product with id {pk}.")
        return product
