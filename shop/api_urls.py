"""/api/v1/: one DefaultRouter carrying every app's viewsets, plus the schema and its viewers."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from shop.accounts.api import urls as accounts_urls
from shop.carts.api import urls as carts_urls
from shop.catalog.api import urls as catalog_urls
from shop.orders.api import urls as orders_urls
from shop.payments.api import urls as payments_urls
from shop.pricing.api import urls as pricing_urls

APP_URLS = (accounts_urls, catalog_urls, pricing_urls, carts_urls, orders_urls, payments_urls)

router = DefaultRouter()
router.include_format_suffixes = False  # no /products.json twins: the schema lists exactly what exists
for app_urls in APP_URLS:
    for prefix, viewset, basename in app_urls.routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    *[pattern for app_urls in APP_URLS for pattern in app_urls.urlpatterns],
    path("", include(router.urls)),
]
