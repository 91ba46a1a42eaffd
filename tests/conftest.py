import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import AddressFactory, ProductFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at its real cost in every factory user makes the suite several times slower. PBKDF2 stays
    second so the committed fixtures' hashes still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def other_customer(db):
    return UserFactory()


@pytest.fixture
def shipping_addresses(customer, other_customer):
    """A default address for `customer` and `other_customer`, so that they can check out."""
    return [AddressFactory(user=user, is_default=True) for user in (customer, other_customer)]


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def customer_client(customer):
    return client_for(customer)


@pytest.fixture
def other_client(other_customer):
    return client_for(other_customer)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def product(db):
    return ProductFactory()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
