from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.core.serializers import StrictSerializer
from shop.orders.models import Order, OrderItem, OrderStatusChange


class OrderItemSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)

    class Meta:
        model = OrderItem
        fields = ("product", "sku", "title", "unit_price", "quantity", "line_total")
        read_only_fields = fields


class OrderHistorySerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="to_status", read_only=True)
    at = serializers.DateTimeField(source="created_at", read_only=True)
    by = serializers.IntegerField(
        source="changed_by_id", read_only=True, allow_null=True, help_text="Id of the user who made the move."
    )

    class Meta:
        model = OrderStatusChange
        fields = ("status", "at", "by")
        read_only_fields = fields


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postcode = serializers.CharField(source="shipping_postcode")
    country = serializers.CharField(source="shipping_country")
    phone = serializers.CharField(source="shipping_phone")


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)
    history = OrderHistorySerializer(many=True, read_only=True)
    shipping_address = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "user",
            "status",
            "items",
            "subtotal",
            "total",
            "shipping_address",
            "created_at",
            "updated_at",
            "history",
        )
        read_only_fields = fields

    @extend_schema_field(ShippingAddressSerializer(allow_null=True))
    def get_shipping_address(self, order):
        """A copy taken at checkout; null when the order was placed without an address."""
        if not order.shipping_line1:
            return None
        return ShippingAddressSerializer(order).data


class OrderStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
