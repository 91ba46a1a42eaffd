from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.catalog.selectors import product_image_urls
from shop.core.serializers import StrictSerializer
from shop.orders.models import Order, OrderItem, OrderStatusChange, Shipment


class OrderItemSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)
    slug = serializers.SerializerMethodField(help_text="The product's slug now, or null.")
    thumbnail = serializers.SerializerMethodField(
        help_text="The product's primary image thumbnail now (a variant without images of its own: its parent's), "
        "or null."
    )
    options = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text='A variant\'s options as ordered, {"size": "m"}; else {}.',
    )

    class Meta:
        model = OrderItem
        fields = (
            "id", "product", "sku", "title", "options", "slug", "thumbnail", "unit_price", "quantity", "line_total",
        )  # fmt: skip
        read_only_fields = fields

    def get_slug(self, item) -> str | None:
        return item.product.slug if item.product_id else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail(self, item) -> str | None:
        if not item.product_id:
            return None
        return product_image_urls(item.product, request=self.context.get("request")).thumbnail


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


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = ("carrier", "tracking_number", "tracking_url", "shipped_at")
        read_only_fields = fields


class ShipmentCreateSerializer(StrictSerializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postcode = serializers.CharField(source="shipping_postcode")
    country = serializers.CharField(source="shipping_country")
    phone = serializers.CharField(source="shipping_phone")


class OrderShippingMethodSerializer(serializers.Serializer):
    code = serializers.CharField(source="shipping_method_code")
    name = serializers.CharField(source="shipping_method_name")
    price = serializers.DecimalField(source="shipping_method_price", max_digits=12, decimal_places=2)


class OrderSerializer(serializers.ModelSerializer):
    """An order and what it cost, as priced at checkout: `total = subtotal - discount + shipping + tax`
    (with `tax_included`, PRICES_INCLUDE_TAX: `total = subtotal - discount + shipping`, the tax inside)."""

    items = OrderItemSerializer(many=True, read_only=True)
    history = OrderHistorySerializer(many=True, read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    shipping_address = serializers.SerializerMethodField()
    voucher = serializers.SerializerMethodField(help_text="The voucher's code, or null.")
    shipping_method = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "user",
            "status",
            "payment_status",
            "items",
            "currency",
            "subtotal",
            "discount",
            "shipping",
            "tax",
            "total",
            "tax_rate",
            "tax_included",
            "voucher",
            "shipping_method",
            "shipping_address",
            "created_at",
            "updated_at",
            "history",
            "shipments",
            "invoice_number",
        )
        read_only_fields = fields

    @extend_schema_field(ShippingAddressSerializer(allow_null=True))
    def get_shipping_address(self, order):
        """A copy taken at checkout; null when the order was placed without an address."""
        if not order.shipping_line1:
            return None
        return ShippingAddressSerializer(order).data

    def get_voucher(self, order) -> str | None:
        return order.voucher_code or None

    @extend_schema_field(OrderShippingMethodSerializer(allow_null=True))
    def get_shipping_method(self, order):
        """The method chosen at checkout (its price then; `shipping` is what was charged), or null."""
        if not order.shipping_method_code:
            return None
        return OrderShippingMethodSerializer(order).data


class OrderStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)


class CheckoutSerializer(StrictSerializer):
    shipping_address = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="One of your address ids; default: your default address (without one: 400).",
    )
    shipping_method = serializers.SlugField(
        max_length=50,
        required=False,
        allow_null=True,
        help_text="A shipping method's code; required when some method serves the address's country.",
    )
