from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shop.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from shop.core import i18n  # noqa: F401 - registers the language checks
