"""Keeps the stored rating summaries right when a user is deleted (API, admin or shell), and deletes the files
of deleted product images.

Accounts sit below catalog and cannot call its services, so catalog listens for the user's deletion and
removes that user's reviews through `review_delete` before the cascade would drop them silently.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from shop.catalog.images import image_files_delete
from shop.catalog.models import ProductImage, Review
from shop.catalog.reviews import review_delete


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog_reviews_of_deleted_user")
def remove_reviews_of_deleted_user(sender, instance, **kwargs):
    for review in Review.objects.filter(user=instance).order_by("product_id"):
        review_delete(review=review)


@receiver(post_delete, sender=ProductImage, dispatch_uid="catalog_product_image_files")
def delete_files_of_deleted_image(sender, instance, **kwargs):
    """An image row gone (its own deletion or its product's cascade) takes its files along, once that commits."""
    names = (instance.file.name, instance.thumbnail.name)
    transaction.on_commit(lambda: image_files_delete(names=names, storage=instance.file.storage))
