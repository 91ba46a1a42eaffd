from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from shop.catalog import signals  # noqa: F401 - connects the receivers
