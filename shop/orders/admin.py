from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from shop.core.admin_actions import error_text, run_per_object
from shop.core.exceptions import DomainError
from shop.core.importexport import ShopExportMixin
from shop.core.permissions import SuperuserOnlyAdminMixin
from shop.orders.admin_paperwork import OrderPaperworkMixin
from shop.orders.models import (
    CHANGE_STATUS_PERMISSION,
    CustomerEmail,
    IdempotencyKey,
    Order,
    OrderItem,
    OrderStatusChange,
    Shipment,
)
from shop.orders.resources import OrderLineResource, OrderResource
from shop.orders.services import allowed_next_statuses, order_set_status

#: The change page's context for a record that is shown, never saved through its form.
RECORD_PAGE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}

#: Button / action label per target status, in the order they are offered.
MOVES = {
    Order.Status.PAID: "Mark as paid (records a manual payment of the total)",
    Order.Status.SHIPPED: "Mark as shipped",
    Order.Status.DELIVERED: "Mark as delivered",
    Order.Status.CANCELLED: "Cancel (restores stock)",
}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("sku", "title", "unit_price", "quantity", "line_total", "product")
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ("shipped_at", "carrier", "tracking_number", "tracking_url", "created_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class CustomerEmailInline(ReadOnlyInline):
    model = CustomerEmail
    fields = ("created_at", "kind", "recipient", "sent_at", "resend", "requested_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")


def _status_action(status: str):
    def action(modeladmin, request, queryset):
        run_per_object(
            modeladmin,
            request,
            queryset,
            lambda order: order_set_status(order=order, status=status, by=request.user),
            done=f"order(s) {status}",
        )

    action.__name__ = f"mark_{status}"
    return admin.action(permissions=["change_status"], description=f"{MOVES[status]}: selected orders")(action)


@admin.register(Order)
class OrderAdmin(OrderPaperworkMixin, ShopExportMixin, admin.ModelAdmin):
    resource_classes = (OrderResource, OrderLineResource)
    list_display = (
        "number",
        "user",
        "status",
        "payment_status",
        "subtotal",
        "discount",
        "shipping",
        "tax",
        "total",
        "currency",
        "created_at",
    )
    list_filter = ("status", "payment_status", "created_at", "shipping_method_code")
    search_fields = ("number", "invoice_number", "user__email", "voucher_code")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_form_template = "admin/orders/order/change_form.html"
    fieldsets = (
        (None, {"fields": ("number", "user", "cart", "status", "payment_status", "created_at", "updated_at")}),
        (
            "What it cost",
            {
                "fields": (
                    "currency", "subtotal", "discount", "voucher_code", "shipping", "shipping_method_name",
                    "shipping_method_code", "shipping_method_price", "tax", "tax_rate", "tax_included", "total",
                )
            },
        ),
        ("Invoice", {"fields": ("invoice_number", "invoiced_at")}),
        (
            "Ship to",
            {
                "fields": (
                    "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode",
                    "shipping_country", "shipping_phone",
                )
            },
        ),
    )  # fmt: skip
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])
    inlines = (OrderItemInline, ShipmentInline, OrderStatusChangeInline, CustomerEmailInline)
    actions = tuple(_status_action(status) for status in MOVES)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("items")

    def has_add_permission(self, request):
        return False  # orders come from checkout

    def has_change_status_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_STATUS_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the history and the stock ledger must stay whole

    def get_urls(self):
        status_view = self.admin_site.admin_view(self.status_view)
        return [
            path("<path:object_id>/status/", status_view, name="orders_order_status"),
            *self.paperwork_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        moves, tools = [], []
        if order is not None and self.has_change_status_permission(request, order):
            allowed = allowed_next_statuses(order, by=request.user)
            moves = [(status, label) for status, label in MOVES.items() if status in allowed]
        if order is not None:
            tools = self.paperwork_tools(request, order)
        extra_context = {**(extra_context or {}), "status_moves": moves, "paperwork_tools": tools, **RECORD_PAGE}
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """An order is a record: its page only shows it, status moves go through `status_view`."""
        if request.method == "POST":
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _change_url(order):
        return reverse("admin:orders_order_change", args=[order.pk])

    @method_decorator(require_POST)
    def status_view(self, request, object_id):
        order = get_object_or_404(Order, pk=unquote(object_id))
        if not self.has_change_status_permission(request, order):
            raise PermissionDenied
        status = request.POST.get("status", "")
        try:
            order_set_status(order=order, status=status, by=request.user)
        except DomainError as exc:
            self.message_user(request, f"{order}: {error_text(exc)}", messages.ERROR)
        else:
            self.message_user(request, f"{order} is now {status}.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(order))


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at", "expires_at")
    search_fields = ("key", "user__email")
    list_select_related = ("user",)
    show_full_result_count = False
    readonly_fields = ("user", "key", "request_fingerprint", "response_status", "response_body", "order", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a stored answer is replayed as it is; staff may only look at it or delete it
