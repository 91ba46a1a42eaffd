from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The back office above every domain app: admin site and dashboard, roles, the import/export registry,
    the audit log."""

    name = "shop.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        from shop.backoffice.audit.tracking import register_models

        register_models()
