"""Catalog reads shared by the admin, the API and the background jobs."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from shop.accounts.models import User
from shop.catalog.models import Product


def product_list_low_stock(*, threshold: int) -> QuerySet[Product]:
    """Active products with `threshold` units or fewer on hand (out of stock included), emptiest first."""
    return Product.objects.filter(is_active=True, stock__lte=threshold).order_by("stock", "sku")


def catalog_managers() -> QuerySet[User]:
    """Active users who may change products (`catalog.change_product`) through a group, directly, or as
    superusers (Django's own permission query, as `has_perm` decides it)."""
    return ModelBackend().with_perm("catalog.change_product").exclude(email="").order_by("email")
