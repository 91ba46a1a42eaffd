"""Admin pieces that join several domains, so they live above all of them.

The audit log's admin is registered last: it gives every audited model's admin (this one included) the
audit History.

The customer page links to the customer's carts and orders and shows their wishlist (read-only): accounts sits
below catalog, carts and orders and cannot name them, so the back office replaces the accounts user admin with
one that adds them.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from shop.accounts.admin import UserAdmin
from shop.accounts.models import User
from shop.backoffice import job_admin  # noqa: F401 (registers the jobs' admin)
from shop.backoffice.audit import admin as audit_admin
from shop.backoffice.audit.resources import AuditedUserResource
from shop.catalog.admin import WishlistInline
from shop.pricing.admin import VoucherAdmin, VoucherUseInline
from shop.pricing.models import Voucher


class CustomerAdmin(UserAdmin):
    resource_classes = (AuditedUserResource,)  # the user import writes in bulk: its audit entries too
    readonly_fields = (*UserAdmin.readonly_fields, "activity")
    inlines = (*UserAdmin.inlines, WishlistInline)
    fieldsets = (*UserAdmin.fieldsets[:2], ("Shopping", {"fields": ("activity",)}), *UserAdmin.fieldsets[2:])

    @admin.display(description="carts and orders")
    def activity(self, obj):
        if not obj.pk:
            return "-"
        carts = reverse("admin:carts_cart_changelist")
        orders = reverse("admin:orders_order_changelist")
        return format_html(
            '<a href="{}?user__id__exact={}">{} cart(s)</a> · <a href="{}?user__id__exact={}">{} order(s)</a>',
            carts, obj.pk, obj.carts.count(), orders, obj.pk, obj.orders.count(),
        )  # fmt: skip


class VoucherUseOrderInline(VoucherUseInline):
    fields = ("order", *VoucherUseInline.fields[1:])
    readonly_fields = fields

    @admin.display(description="order")
    def order(self, obj):
        url = reverse("admin:orders_order_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, urlencode({"q": obj.reference}), obj.reference)


class VoucherWithOrdersAdmin(VoucherAdmin):
    """The voucher admin, each use linking to its order (pricing sits below orders and cannot name them)."""

    inlines = (VoucherUseOrderInline,)


admin.site.unregister(User)
admin.site.register(User, CustomerAdmin)
admin.site.unregister(Voucher)
admin.site.register(Voucher, VoucherWithOrdersAdmin)
audit_admin.register(admin.site)
