from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.carts.models import MAX_ITEM_QUANTITY, Cart, CartItem
from shop.core.serializers import StrictSerializer

MAX_OPERATIONS = 100  # add + update + remove entries in one PATCH


class CartItemSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id", read_only=True)
    title = serializers.CharField(source="product.title", read_only=True)
    unit_price = serializers.DecimalField(
        source="product.price", max_digits=10, decimal_places=2, read_only=True, help_text="The current price."
    )
    line_total = serializers.SerializerMethodField()

    class Meta:
        model = CartItem
        fields = ("product", "title", "quantity", "unit_price", "line_total")
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_line_total(self, item) -> str:
        return f"{item.product.price * item.quantity:.2f}"


class CartSerializer(serializers.ModelSerializer):
    """A cart with its lines; `total` is at current prices, `item_count` is the number of units."""

    items = CartItemSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()

    class Meta:
        model = Cart
        fields = ("id", "user", "status", "items", "total", "item_count", "created_at", "updated_at", "expires_at")
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_total(self, cart) -> str:
        total = sum((item.product.price * item.quantity for item in cart.items.all()), Decimal("0"))
        return f"{total:.2f}"

    def get_item_count(self, cart) -> int:
        return sum(item.quantity for item in cart.items.all())


class CartLineSerializer(StrictSerializer):
    product = serializers.IntegerField(min_value=1, help_text="Product id.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_ITEM_QUANTITY)


class CartLineUpdateSerializer(CartLineSerializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_ITEM_QUANTITY, help_text="0 removes the line.")


class CartChangeSerializer(StrictSerializer):
    """PATCH body: applied add → update → remove, all or nothing. At most 100 entries in all."""

    add = CartLineSerializer(many=True, required=False, help_text="Adds to the line's quantity (new line if absent).")
    update = CartLineUpdateSerializer(many=True, required=False, help_text="Sets the quantity of existing lines.")
    remove = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="Product ids; absent ones are ignored."
    )

    def validate(self, attrs):
        count = sum(len(attrs.get(name, [])) for name in ("add", "update", "remove"))
        if count > MAX_OPERATIONS:
            raise serializers.ValidationError(f"At most {MAX_OPERATIONS} changes in one request (got {count}).")
        return attrs


class CheckoutSerializer(StrictSerializer):
    shipping_address = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="One of your address ids; default: your default address (none: the order has no address).",
    )
