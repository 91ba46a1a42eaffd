"""A deleted cart lets go of its stock, however it was deleted: `cart_delete`, the admin, or with its user
(accounts sits below carts and deletes carts by cascade without knowing about reservations)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from shop.carts.models import Cart
from shop.carts.services import cart_holder
from shop.catalog.services import stock_reservations_release


@receiver(post_delete, sender=Cart, dispatch_uid="carts_release_reservations_of_deleted_cart")
def release_reservations_of_deleted_cart(sender, instance, **kwargs):
    stock_reservations_release(holders=[cart_holder(instance.pk)])
