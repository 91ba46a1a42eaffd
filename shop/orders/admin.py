from django.contrib import admin

from shop.orders.models import IdempotencyKey, Order, OrderItem, OrderStatusChange


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ("product", "sku", "title", "unit_price", "quantity", "line_total")

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "changed_by", "note", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "status", "total", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("number", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("number", "user", "cart", "status", "subtotal", "total", "created_at", "updated_at")
    inlines = (OrderItemInline, OrderStatusChangeInline)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at", "expires_at")
    search_fields = ("key", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "key", "request_fingerprint", "response_status", "response_body", "order", "expires_at")
