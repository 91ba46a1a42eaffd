from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.carts.models import MAX_ITEM_QUANTITY, Cart, CartItem
from shop.carts.selectors import cart_quote
from shop.catalog.selectors import product_image_urls
from shop.catalog.variants import product_options, variant_title
from shop.core.serializers import StrictSerializer

MAX_OPERATIONS = 100  # add + update + remove entries in one PATCH
MONEY_FIELD = serializers.DecimalField(max_digits=12, decimal_places=2)


class CartItemSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id", read_only=True)
    title = serializers.SerializerMethodField(
        help_text="The product's title; a variant's without one: \"T-shirt (M)\"."
    )
    slug = serializers.CharField(source="product.slug", read_only=True)
    thumbnail = serializers.SerializerMethodField(
        help_text="The product's primary image thumbnail (a variant without images of its own: its parent's), or null."
    )
    options = serializers.SerializerMethodField(help_text='A variant\'s `{"<attribute>": "<value>"}`; {} otherwise.')
    unit_price = serializers.DecimalField(
        source="product.price", max_digits=10, decimal_places=2, read_only=True, help_text="The current price."
    )
    line_total = serializers.SerializerMethodField()

    class Meta:
        model = CartItem
        fields = ("product", "title", "slug", "thumbnail", "options", "quantity", "unit_price", "line_total")
        read_only_fields = fields

    def get_title(self, item) -> str:
        return variant_title(item.product)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail(self, item) -> str | None:
        return product_image_urls(item.product, request=self.context.get("request")).thumbnail

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_options(self, item) -> dict:
        return product_options(item.product)

    @extend_schema_field(MONEY_FIELD)
    def get_line_total(self, item) -> str:
        return f"{item.product.price * item.quantity:.2f}"


class CartSerializer(serializers.ModelSerializer):
    """A cart with its lines at current prices, priced by the one pricing function: `subtotal` the goods,
    `discount` the voucher's (0 while it is not usable on this cart), `total` the goods after discount, before
    shipping and tax (see the quote); `item_count` is the number of units."""

    items = CartItemSerializer(many=True, read_only=True)
    currency = serializers.SerializerMethodField(help_text="ISO 4217 (SHOP_CURRENCY).")
    subtotal = serializers.SerializerMethodField()
    discount = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    voucher = serializers.SerializerMethodField(help_text="The applied voucher's code, or null.")
    voucher_problem = serializers.SerializerMethodField(
        help_text="Why the applied voucher gives no discount now (`minimum_not_met`, `expired`...), or null."
    )
    item_count = serializers.SerializerMethodField()

    class Meta:
        model = Cart
        fields = (
            "id", "user", "status", "items", "currency", "subtotal", "discount", "total", "voucher",
            "voucher_problem", "item_count", "created_at", "updated_at", "expires_at",
        )  # fmt: skip
        read_only_fields = fields

    def _quote(self, cart):
        """One pricing per cart and document (the fields below share it)."""
        if getattr(cart, "_document_quote", None) is None:
            cart._document_quote = cart_quote(cart, check_customer=False)
        return cart._document_quote

    def get_currency(self, cart) -> str:
        return self._quote(cart).currency

    @extend_schema_field(MONEY_FIELD)
    def get_subtotal(self, cart) -> str:
        return f"{self._quote(cart).totals.subtotal:.2f}"

    @extend_schema_field(MONEY_FIELD)
    def get_discount(self, cart) -> str:
        return f"{self._quote(cart).totals.discount:.2f}"

    @extend_schema_field(MONEY_FIELD)
    def get_total(self, cart) -> str:
        totals = self._quote(cart).totals
        return f"{totals.subtotal - totals.discount:.2f}"

    def get_voucher(self, cart) -> str | None:
        return cart.voucher.code if cart.voucher_id else None

    def get_voucher_problem(self, cart) -> str | None:
        return self._quote(cart).voucher_problem

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


class VoucherApplySerializer(StrictSerializer):
    code = serializers.CharField(max_length=50, trim_whitespace=True, help_text="Case-insensitive.")


class QuoteQuerySerializer(StrictSerializer):
    """The quote's query: a destination (`country`, or one of your addresses) and optionally a method."""

    country = serializers.CharField(min_length=2, max_length=2, required=False, help_text="ISO 3166 alpha-2.")
    shipping_address = serializers.IntegerField(min_value=1, required=False, help_text="One of your address ids.")
    shipping_method = serializers.SlugField(max_length=50, required=False, help_text="A shipping method's code.")
