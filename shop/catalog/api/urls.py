"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

from shop.catalog.api.views import CategoryViewSet, ProductViewSet

routes = [  # (prefix, viewset, basename)
    ("categories", CategoryViewSet, "category"),
    ("products", ProductViewSet, "product"),
]
urlpatterns = []
