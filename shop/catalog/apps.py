from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from shop.catalog import signals  # noqa: F401 - connects the receivers
        from shop.catalog.search import ensure_index

        post_migrate.connect(ensure_index, sender=self, dispatch_uid="catalog_search_index")
