"""`manage.py check --deploy`: the demo mode publishes customers, which a real shop must not do."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_mode_in_production(app_configs=None, **kwargs) -> list[Warning]:
    if settings.FAKESTORE_API != "demo" or settings.DEBUG:
        return []
    return [
        Warning(
            "FAKESTORE_API=demo serves every customer's name, email, phone, address and carts to anyone at "
            "/fakestore/users and /fakestore/carts.",
            hint="Use FAKESTORE_API=catalog (the default) or off unless this is a demo shop with made-up customers.",
            id="fakestore.W001",
        )
    ]
