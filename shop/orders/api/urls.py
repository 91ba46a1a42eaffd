"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

from django.urls import path

from shop.orders.api.checkout import CheckoutView
from shop.orders.api.views import OrderViewSet

routes = [("orders", OrderViewSet, "order")]  # (prefix, viewset, basename)
urlpatterns = [path("carts/<int:pk>/checkout/", CheckoutView.as_view(), name="cart-checkout")]
