from django.apps import AppConfig


class CartsConfig(AppConfig):
    name = "shop.carts"
    label = "carts"
    verbose_name = "Carts"

    def ready(self):
        from shop.carts import signals  # noqa: F401 - connects the receivers
