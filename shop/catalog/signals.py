"""Keeps the stored rating summaries right when a user is deleted (API, admin or shell).

Accounts sit below catalog and cannot call its services, so catalog listens for the user's deletion and
removes that user's reviews through `review_delete` before the cascade would drop them silently.
"""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from shop.catalog.models import Review
from shop.catalog.reviews import review_delete


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog_reviews_of_deleted_user")
def remove_reviews_of_deleted_user(sender, instance, **kwargs):
    for review in Review.objects.filter(user=instance).order_by("product_id"):
        review_delete(review=review)
