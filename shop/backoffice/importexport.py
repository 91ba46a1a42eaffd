"""The import/export registry: which models the back office imports and exports, and the Django
permissions `<app>.import_<model>` / `<app>.export_<model>` that govern it (created here, not by migrations)."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

#: Models whose admin offers import (and export); EXPORT_ONLY models offer export only.
IMPORTABLE = (
    "catalog.product",
    "catalog.category",
    "catalog.attribute",
    "catalog.review",
    "accounts.user",
    "accounts.address",
    "carts.cart",
    "pricing.shippingmethod",
    "pricing.taxrate",
    "pricing.voucher",
)
EXPORT_ONLY = ("orders.order",)


def ensure_import_export_permissions() -> list[Permission]:
    """Create the `import_<model>` and `export_<model>` permissions (idempotent); return them all."""
    created = []
    for label in IMPORTABLE + EXPORT_ONLY:
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        actions = ("export",) if label in EXPORT_ONLY else ("import", "export")
        for action in actions:
            perm, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model._meta.model_name}",
                defaults={"name": f"Can {action} {model._meta.verbose_name_plural}"},
            )
            created.append(perm)
    return created
