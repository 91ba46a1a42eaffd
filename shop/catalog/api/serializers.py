"""Shapes of the catalog resources. Writable fields are exactly those not in `read_only_fields`."""

from rest_framework import serializers

from shop.catalog.api.fields import CategoryIdsField
from shop.catalog.models import Category, Product

MAX_STOCK = 2_147_483_647  # the PostgreSQL integer column's upper bound


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name", "slug", "parent", "description")
        read_only_fields = ("id",)


class RatingSummarySerializer(serializers.Serializer):
    rate = serializers.DecimalField(source="rating_rate", max_digits=3, decimal_places=2, read_only=True)
    count = serializers.IntegerField(source="rating_count", read_only=True)


class ProductSerializer(serializers.ModelSerializer):
    categories = CategoryIdsField(required=False, help_text="Category ids; every id must exist.")
    stock = serializers.IntegerField(
        min_value=0, max_value=MAX_STOCK, required=False, help_text="Units on hand; a change writes a stock movement."
    )
    rating = RatingSummarySerializer(source="*", read_only=True, help_text="Stored summary; see /rating/.")

    class Meta:
        model = Product
        fields = (
            "id",
            "sku",
            "slug",
            "title",
            "description",
            "price",
            "image",
            "categories",
            "stock",
            "is_active",
            "rating",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")


class ProductRatingSerializer(serializers.Serializer):
    """GET/POST /products/{id}/rating/ answer: the stored summary and the caller's own value."""

    rate = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    count = serializers.IntegerField(read_only=True)
    mine = serializers.IntegerField(read_only=True, allow_null=True, help_text="The caller's rating, or null.")


class RatingInputSerializer(serializers.Serializer):
    value = serializers.IntegerField(min_value=1, max_value=5)
