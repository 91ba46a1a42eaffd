"""The shop's URLs plus the bench-only limit views (mounted only by bench.settings)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bench import limits, limits_carts
from shop.urls import handler404, handler500
from shop.urls import urlpatterns as shop_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("bench/products/", limits.product_list),
    path("bench/products/filtered/", limits.product_list_filtered),
    path("bench/products/search/", limits.product_search),
    path("bench/products/<int:pk>/", limits.product_detail),
    path("bench/admin/products/", limits.admin_changelist),
    # JWT in a header, like the API (which DRF exempts from CSRF for the same reason).
    path("bench/carts/<int:pk>/", csrf_exempt(limits_carts.cart_patch)),
    path("bench/carts/<int:pk>/checkout/", csrf_exempt(limits_carts.checkout)),
    *shop_urlpatterns,
]
