from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The back office above every domain app: admin site and dashboard, roles, the import/export registry."""

    name = "shop.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
