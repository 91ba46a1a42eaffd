"""Category references: written as plain ids (checked with one query), read from a prefetch as ids (vouchers) or
as `{id, slug, name}` (product documents)."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from rest_framework import serializers

from shop.catalog.models import Category
from shop.catalog.selectors import product_categories

MAX_ID = 2**63 - 1  # BigAutoField: a larger id can name no row, and the database could not compare it


def parse_ids(raw: str) -> list[int]:
    """ "3, 7,9" -> [3, 7, 9]; raises ValueError on anything that is not a positive whole number."""
    ids = [int(part) for part in raw.split(",") if part.strip()]
    if any(pk < 1 or pk > MAX_ID for pk in ids):
        raise ValueError("ids are positive")
    return ids


def unknown_category_message(ids) -> str | None:
    """The error to show when some of `ids` name no category, else None."""
    unique = set(ids)
    found = set(Category.objects.filter(pk__in=unique).values_list("pk", flat=True))
    missing = sorted(unique - found)
    if not missing:
        return None
    return f"Unknown category ids: {', '.join(map(str, missing))}."


class CategoryIdsField(serializers.ListField):
    """`categories: [3, 7]` — written as ids (all must exist), read from the prefetched relation."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def get_attribute(self, instance):
        return instance.categories.all()

    def to_representation(self, data):
        return [category.pk for category in data]

    def to_internal_value(self, data):
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        message = unknown_category_message(ids)
        if message:
            raise serializers.ValidationError(message)
        return ids


def category_document(category: Category) -> dict:
    """A category as a product document shows it."""
    return {"id": category.pk, "slug": category.slug, "name": category.name}


class CategoryRefSerializer(serializers.Serializer):
    """A category as product documents show it."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProductCategoriesField(CategoryIdsField):
    """A product's `categories`: written as ids like `CategoryIdsField`, read as `[{id, slug, name}]` — the
    product's own, or a variant's parent's when it has none (`product_categories`)."""

    def get_attribute(self, instance):
        return product_categories(instance)

    def to_representation(self, data):
        return [category_document(category) for category in data]


class ProductCategoriesFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of `ProductCategoriesField`: ids in request bodies, category objects in answers."""

    target_class = ProductCategoriesField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return build_array_type(auto_schema.resolve_serializer(CategoryRefSerializer, direction).ref)
