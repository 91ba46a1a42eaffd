import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG_FIXTURES = ("categories.json", "products.json")


def _load(names) -> None:
    call_command("loaddata", *(str(settings.BASE_DIR / "fixtures" / name) for name in names), verbosity=0)


@pytest.fixture
def fakestore_catalog(db):
    """The catalog seeded from the committed FakeStore fixtures, as `make run` seeds it."""
    _load(CATALOG_FIXTURES)


@pytest.fixture
def fakestore_shop(fakestore_catalog):
    """The whole FakeStore data set: the catalog, its ten customers with their addresses, their carts."""
    _load(("users.json", "addresses.json", "carts.json"))


@pytest.fixture
def demo(settings):
    settings.FAKESTORE_API = "demo"
