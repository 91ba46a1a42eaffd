from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from shop.catalog.images import STORED_EXTENSIONS
from shop.catalog.models import PRODUCT_IMAGE_DIR
from shop.core import health
from shop.core.media import serve_public_file

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("shop.api_urls")),
    path("fakestore/", include("shop.fakestore.api.urls")),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
]
if settings.MEDIA_SERVE:
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/{PRODUCT_IMAGE_DIR}/<path:path>",
            serve_public_file,
            {"folder": PRODUCT_IMAGE_DIR, "extensions": STORED_EXTENSIONS},
            name="product-image-file",
        )
    )

handler404 = "shop.core.errors.api_404"
handler500 = "shop.core.errors.api_500"
