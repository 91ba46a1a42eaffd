"""Keeps the stored rating summaries right when a user is deleted (API, admin or shell), deletes the files
of deleted product images, and tells the public cache (shop/core/public_cache.py) of every saved or deleted
catalog row and every changed product relation, whoever made the change (API, admin, import, shell).

Accounts sit below catalog and cannot call its services, so catalog listens for the user's deletion and
removes that user's reviews through `review_delete` before the cascade would drop them silently.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from shop.catalog.images import image_files_delete
from shop.catalog.models import Attribute, AttributeValue, Category, Product, ProductImage, ProductOption, Review
from shop.catalog.reviews import review_delete
from shop.core import public_cache


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog_reviews_of_deleted_user")
def remove_reviews_of_deleted_user(sender, instance, **kwargs):
    for review in Review.objects.filter(user=instance).order_by("product_id"):
        review_delete(review=review)


@receiver(post_delete, sender=ProductImage, dispatch_uid="catalog_product_image_files")
def delete_files_of_deleted_image(sender, instance, **kwargs):
    """An image row gone (its own deletion or its product's cascade) takes its files along, once that commits."""
    names = (instance.file.name, instance.thumbnail.name)
    transaction.on_commit(lambda: image_files_delete(names=names, storage=instance.file.storage))


#: What the public catalog answers show (products, their images, options and approved reviews' summary,
#: categories, attributes): a save or deletion of any of them makes every cached answer unreachable.
PUBLIC_MODELS = (Product, Category, ProductImage, ProductOption, Review, Attribute, AttributeValue)


def catalog_changed(sender, **kwargs):
    public_cache.changed()


def catalog_relation_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        public_cache.changed()


for _model in PUBLIC_MODELS:
    post_save.connect(catalog_changed, sender=_model, dispatch_uid=f"public_cache_save_{_model.__name__}")
    post_delete.connect(catalog_changed, sender=_model, dispatch_uid=f"public_cache_delete_{_model.__name__}")
for _relation in (Product.categories.through, Product.option_attributes.through):
    m2m_changed.connect(catalog_relation_changed, sender=_relation, dispatch_uid=f"public_cache_{_relation.__name__}")
