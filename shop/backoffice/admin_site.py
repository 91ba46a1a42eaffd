"""The shop's AdminSite: its name and a dashboard on the index page.

Installed through `ShopAdminConfig` (in INSTALLED_APPS instead of "django.contrib.admin"), which makes
it the default `admin.site`, so every app keeps registering with `@admin.register`.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ShopAdminSite(admin.AdminSite):
    site_header = "Shop back office"
    site_title = "Shop back office"
    index_title = "Dashboard"

    def index(self, request, extra_context=None):
        from shop.backoffice.dashboard import dashboard_context  # models are not ready when this module loads

        extra_context = {**(extra_context or {}), "dashboard": dashboard_context(request.user)}
        return super().index(request, extra_context)


class ShopAdminConfig(AdminConfig):
    default_site = "shop.backoffice.admin_site.ShopAdminSite"
