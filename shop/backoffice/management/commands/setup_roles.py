"""Create (or bring up to date) the back-office groups. Safe to run again: each group ends with exactly the
permissions listed here."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from shop.backoffice.importexport import ensure_import_export_permissions

CRUD = ("view", "add", "change", "delete")
MODEL_ACTIONS = (*CRUD, "import", "export")  # `<action>_<model>`; any other entry is a named codename

#: group -> {"app_label.model": actions}. import/export are the permissions of shop.backoffice.importexport;
#: named permissions (`adjust_stock`, `moderate_review`, `change_order_status`, `download_invoice`,
#: `record_manual_payment`, ...) come from the models' Meta. The API checks the same permissions
#: (shop.core.permissions), so a group grants the same powers in the admin and the API.
ROLES = {
    "Catalog managers": {
        "catalog.product": (*CRUD, "import", "export", "adjust_stock"),
        "catalog.category": (*CRUD, "import", "export"),
        "catalog.productimage": CRUD,
        "catalog.review": ("view", "delete", "import", "export", "moderate_review"),
        "catalog.stockmovement": ("view",),
        "pricing.shippingmethod": (*CRUD, "import", "export"),
        "pricing.taxrate": (*CRUD, "import", "export"),
        "pricing.voucher": (*CRUD, "import", "export"),
        "pricing.voucheruse": ("view",),
        "catalog.attribute": (*CRUD, "import", "export"),
        "catalog.attributevalue": CRUD,
    },
    "Order managers": {
        "carts.cart": ("view", "change", "delete", "export"),
        "carts.cartitem": CRUD,
        "orders.order": (
            "view",
            "change",
            "export",
            "change_order_status",
            "download_invoice",
            "print_packing_slip",
            "resend_customer_email",
        ),
        "orders.orderitem": ("view",),
        "orders.orderstatuschange": ("view",),
        "orders.shipment": ("view", "add"),
        "orders.customeremail": ("view",),
        "payments.payment": ("view", "record_manual_payment"),
        "payments.paymentevent": ("view",),
        "payments.refund": ("view", "add"),
        "payments.refundline": ("view",),
        "accounts.user": ("view",),
        "accounts.address": ("view",),
        "catalog.product": ("view",),  # to pick products for cart lines
        "pricing.shippingmethod": ("view",),  # to explain what an order was charged
        "pricing.taxrate": ("view",),
        "pricing.voucher": ("view",),
        "pricing.voucheruse": ("view",),
    },
}

#: Every role reads the audit log; it shows each only the models that the role may view (shop.backoffice.audit).
for _spec in ROLES.values():
    _spec["auditlog.logentry"] = ("view",)


def role_permissions(spec: dict) -> list[Permission]:
    query = Q(pk__in=[])
    for label, actions in spec.items():
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" if action in MODEL_ACTIONS else action for action in actions]
        query |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    perms = list(Permission.objects.filter(query))
    expected = sum(len(actions) for actions in spec.values())
    if len(perms) != expected:
        raise RuntimeError(f"Expected {expected} permissions, found {len(perms)}: run `migrate` first.")
    return perms


class Command(BaseCommand):
    help = "Create the groups 'Catalog managers' and 'Order managers' with their permissions (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_import_export_permissions()
        for name, spec in ROLES.items():
            group, created = Group.objects.get_or_create(name=name)
            perms = role_permissions(spec)
            group.permissions.set(perms)
            verb = "created" if created else "updated"
            self.stdout.write(f"{name}: {verb}, {len(perms)} permissions.")
