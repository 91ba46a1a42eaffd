"""Export of orders: one row per order (lines summarised) or one row per line. Orders are never imported:
they come from checkout only."""

from import_export import fields, resources

from shop.orders.models import Order, OrderItem


class OrderResource(resources.ModelResource):
    customer = fields.Field(attribute="user__email", column_name="customer")
    lines = fields.Field(column_name="lines")

    class Meta:
        model = Order
        name = "Orders (one row per order)"
        fields = (
            "number", "customer", "status", "payment_status", "currency", "subtotal", "discount", "voucher_code",
            "shipping", "shipping_method_code", "shipping_method_name", "shipping_method_price", "tax", "tax_rate",
            "tax_included", "total", "created_at", "lines",
            "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode",
            "shipping_country", "shipping_phone",
        )  # fmt: skip
        export_order = fields

    def dehydrate_lines(self, order):
        return " | ".join(f"{i.quantity} x {i.sku} {i.title} @ {i.unit_price}" for i in order.items.all())


class OrderLineResource(resources.ModelResource):
    order = fields.Field(attribute="order__number", column_name="order")
    customer = fields.Field(attribute="order__user__email", column_name="customer")
    status = fields.Field(attribute="order__status", column_name="status")
    created_at = fields.Field(attribute="order__created_at", column_name="created_at")

    class Meta:
        model = OrderItem
        name = "Order lines (one row per line)"
        fields = ("order", "customer", "status", "created_at", "sku", "title", "unit_price", "quantity", "line_total")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        """The admin hands over the selected orders; export their lines."""
        if queryset.model is Order:
            queryset = OrderItem.objects.filter(order__in=queryset).order_by("order__created_at", "order_id", "id")
        return queryset.select_related("order__user")
