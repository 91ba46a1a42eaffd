"""Reads of the audit log shared by the global list and each object's History."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from shop.catalog.models import Product, ProductImage

AUDIT_VIEW_PERMISSION = "auditlog.view_logentry"


def can_view_audit(user) -> bool:
    return user.is_active and user.has_perm(AUDIT_VIEW_PERMISSION)


def audited_content_types() -> dict:
    """{model: content type} of every audited model (ContentType's cache: no query after the first)."""
    return ContentType.objects.get_for_models(*auditlog.get_models())


def visible_content_types(user) -> list[ContentType]:
    """The audited models whose objects `user` may view: the audit shows nobody more than the admin does."""
    visible = []
    for model, content_type in audited_content_types().items():
        opts = model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            visible.append(content_type)
    return sorted(visible, key=lambda ct: (ct.app_label, ct.model))


def entries_visible_to(user, queryset=None):
    queryset = LogEntry.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(content_type__in=visible_content_types(user))


def entries_for(obj):
    """An object's entries, newest first, with what the History page shows already joined. A product's include
    those of its images (stamped with the product's id, deleted images too)."""
    entries = LogEntry.objects.get_for_object(obj)
    if isinstance(obj, Product):
        types = ContentType.objects.get_for_models(Product, ProductImage)
        entries = LogEntry.objects.filter(
            Q(content_type=types[Product], object_id=obj.pk)
            | Q(content_type=types[ProductImage], additional_data__product=obj.pk)
        )
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-id")
