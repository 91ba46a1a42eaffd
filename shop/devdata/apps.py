from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Development data: the FakeStore fixtures (build_fixtures, seed_fixtures) and generate_data."""

    name = "shop.devdata"
    label = "devdata"
    verbose_name = "Development data"
