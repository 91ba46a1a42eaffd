from django.apps import AppConfig


class FakestoreConfig(AppConfig):
    name = "shop.fakestore"
    label = "fakestore"
    verbose_name = "FakeStore-compatible API"

    def ready(self):
        from shop.fakestore import checks  # noqa: F401 - registers the deploy check
