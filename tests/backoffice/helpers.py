from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType


def entries_of(obj):
    """The object's audit entries, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)).order_by("timestamp", "id"))


def last_entry(obj) -> LogEntry:
    entries = entries_of(obj)
    assert entries, f"no audit entry for {obj!r}"
    return entries[-1]


def source(entry) -> str:
    return entry.additional_data["source"]


def product_form(product, **changes) -> dict:
    """The product change form as the page posts it (read-only inlines empty)."""
    categories = [c.pk for c in product.categories.all()] if product.pk else []
    data = {
        "title_en": product.title, "slug": product.slug, "sku": product.sku, "description_en": product.description,
        "image": product.image, "categories": categories, "price": str(product.price), "stock": str(product.stock),
        "stock_movements-TOTAL_FORMS": 0, "stock_movements-INITIAL_FORMS": 0, "reviews-TOTAL_FORMS": 0,
        "reviews-INITIAL_FORMS": 0, "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0,
    }  # fmt: skip
    if product.is_active:
        data["is_active"] = "on"
    data.update(changes)
    if changes.get("is_active") is False:
        data.pop("is_active")
    return data
