"""The shop's AdminSite: its name, a dashboard on the index page, "View site" leading to the API docs, and
a 400 for any request whose parameters hold a NUL character.

Installed through `ShopAdminConfig` (in INSTALLED_APPS instead of "django.contrib.admin"), which makes
it the default `admin.site`, so every app keeps registering with `@admin.register`.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import BadRequest


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())


class ShopAdminSite(admin.AdminSite):
    site_header = "Shop back office"
    site_title = "Shop back office"
    index_title = "Dashboard"
    site_url = "/api/v1/docs/"  # the shop has no storefront of its own; its public face is the API

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses a NUL character in its query or form parameters with a 400: PostgreSQL
        cannot compare text holding one, so a changelist filter, a search or an autocomplete term with it
        would otherwise fail in the database (500)."""

        @wraps(view)
        def refuse_nul(request, *args, **kwargs):
            if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
                raise BadRequest("A request parameter holds a NUL character.")
            return view(request, *args, **kwargs)

        return super().admin_view(refuse_nul, cacheable)

    def index(self, request, extra_context=None):
        from shop.backoffice.dashboard import dashboard_context  # models are not ready when this module loads
        from shop.backoffice.jobs import jobs_announce

        jobs_announce(request=request)  # "your import is done": the jobs that ended since the last visit
        extra_context = {**(extra_context or {}), "dashboard": dashboard_context(request.user)}
        return super().index(request, extra_context)


class ShopAdminConfig(AdminConfig):
    default_site = "shop.backoffice.admin_site.ShopAdminSite"
