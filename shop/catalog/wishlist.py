"""Wishlist services: a customer keeps one wishlist, the set of their `WishlistItem`s. Reads are
`shop.catalog.selectors.wishlist_list`."""

from django.db import transaction

from shop.catalog.models import Product, WishlistItem
from shop.core.exceptions import InvalidInput, NotFound


@transaction.atomic
def wishlist_add(*, user, product: Product) -> tuple[WishlistItem, bool]:
    """Put an active product on `user`'s wishlist; already there: left as it is. Returns the item and whether
    it is new. Two adds at once leave one item (the unique constraint decides, `get_or_create` re-reads)."""
    if not product.is_active:
        raise InvalidInput({"product": ["Only active products can be put on a wishlist."]})
    return WishlistItem.objects.get_or_create(user=user, product=product)


@transaction.atomic
def wishlist_remove(*, user, product_id: int) -> None:
    """Take the product off `user`'s wishlist (404 when it is not on it)."""
    deleted, _ = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
    if not deleted:
        raise NotFound("This product is not on your wishlist.")
