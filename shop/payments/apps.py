from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "shop.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        from shop.payments import receivers  # noqa: F401 - connects the receivers
