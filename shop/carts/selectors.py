"""Cart reads shared by the API views, checkout and the admin."""

from django.db.models import Prefetch, QuerySet

from shop.carts.models import Cart, CartItem


def cart_queryset() -> QuerySet[Cart]:
    """Carts with their lines and the lines' products: a page of cart documents in a fixed number of queries."""
    items = CartItem.objects.select_related("product").order_by("id")
    return Cart.objects.prefetch_related(Prefetch("items", queryset=items))


def user_carts(*, user) -> QuerySet[Cart]:
    """The carts that belong to `user` (whatever their status)."""
    return Cart.objects.filter(user=user)
