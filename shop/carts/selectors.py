"""Cart reads shared by the API views, checkout and the admin, and the cart's prices (through pricing's `quote`)."""

from django.db.models import Prefetch, QuerySet

from shop.carts.models import Cart, CartItem
from shop.catalog.selectors import product_categories, with_line_products
from shop.pricing.models import ShippingMethod
from shop.pricing.selectors import Quote, quote
from shop.pricing.totals import Line


def cart_queryset() -> QuerySet[Cart]:
    """Carts with their lines, the lines' products (and a variant's parent) with their categories, images and
    options, and the voucher: a page of cart documents in a fixed number of queries."""
    items = with_line_products(CartItem.objects.select_related("product").order_by("id"))
    return Cart.objects.select_related("voucher").prefetch_related(
        Prefetch("items", queryset=items), "voucher__categories"
    )


def user_carts(*, user) -> QuerySet[Cart]:
    """The carts that belong to `user` (whatever their status)."""
    return Cart.objects.filter(user=user)


def cart_lines(cart: Cart) -> list[Line]:
    """The cart's lines at current prices, each with its product's categories (what vouchers look at: a
    variant's parent's when it has none of its own, `product_categories`)."""
    return [
        Line(
            unit_price=item.product.price,
            quantity=item.quantity,
            category_ids=frozenset(category.pk for category in product_categories(item.product)),
        )
        for item in cart.items.all()
    ]


def cart_quote(
    cart: Cart, *, country: str | None = None, shipping_method: ShippingMethod | None = None, check_customer=True
) -> Quote:
    """What the cart costs for a destination and a method. `check_customer` also counts the owner's earlier
    uses of the voucher (the quote and checkout; a page of cart documents leaves it to them)."""
    user = cart.user_id if check_customer else None
    return quote(
        lines=cart_lines(cart), country=country, shipping_method=shipping_method, voucher=cart.voucher, user=user
    )
