from django.contrib import admin
from django.urls import include, path

from shop.core import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("shop.api_urls")),
    path("fakestore/", include("shop.fakestore.api.urls")),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
]

handler404 = "shop.core.errors.api_404"
handler500 = "shop.core.errors.api_500"
