"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it.

`POST /carts/{id}/checkout/` belongs to the orders app (shop/orders/api/urls.py): orders build on carts.
"""

from shop.carts.api.views import CartViewSet

routes = [("carts", CartViewSet, "cart")]  # (prefix, viewset, basename)
urlpatterns = []
