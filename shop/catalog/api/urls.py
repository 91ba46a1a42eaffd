"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

from shop.catalog.api.images import ProductImageViewSet
from shop.catalog.api.reviews import ReviewViewSet
from shop.catalog.api.variants import AttributeViewSet
from shop.catalog.api.views import CategoryViewSet, ProductViewSet
from shop.catalog.api.wishlist import WishlistViewSet

routes = [  # (prefix, viewset, basename)
    ("attributes", AttributeViewSet, "attribute"),
    ("categories", CategoryViewSet, "category"),
    ("products", ProductViewSet, "product"),
    (r"products/(?P<product_pk>[0-9]+)/images", ProductImageViewSet, "product-image"),
    ("reviews", ReviewViewSet, "review"),
    ("wishlist", WishlistViewSet, "wishlist"),
]
urlpatterns = []
