"""Keeps the stored rating summaries right when a user is deleted (API, admin or shell).

Accounts sit below catalog and cannot call its services, so catalog listens for the user's deletion and
removes that user's ratings through `rating_delete` before the cascade would drop them silently.
"""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from shop.catalog.models import Rating
from shop.catalog.services import rating_delete


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog_ratings_of_deleted_user")
def remove_ratings_of_deleted_user(sender, instance, **kwargs):
    for rating in Rating.objects.filter(user=instance).select_related("product").order_by("product_id"):
        rating_delete(product=rating.product, user=instance)
