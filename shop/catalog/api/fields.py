"""Category references as plain ids, checked with one query (write) or read from a prefetch (read)."""

from rest_framework import serializers

from shop.catalog.models import Category

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
