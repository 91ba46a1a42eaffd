import atexit
import os
import shutil
import tempfile

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from shop.core.cache import FailoverCache
from tests.factories import AddressFactory, ProductFactory, StaffFactory, UserFactory

# The throttle cache is a directory shared by every process that uses it (that is its point): give this test
# run one of its own, so that two runs side by side (or the settings a test builds) do not count together.
_THROTTLE_DIR = tempfile.mkdtemp(prefix="shop-test-throttle-")
atexit.register(shutil.rmtree, _THROTTLE_DIR, ignore_errors=True)
os.environ["THROTTLE_CACHE_DIR"] = _THROTTLE_DIR
# Uploaded files (product images) go to a directory of this run, never into the working tree's media/.
settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="shop-test-media-")
atexit.register(shutil.rmtree, settings.MEDIA_ROOT, ignore_errors=True)
for _alias in ("throttle", "throttle-local"):  # the file cache itself, or Redis's fallback
    if "LOCATION" in settings.CACHES.get(_alias, {}) and settings.CACHES[_alias]["BACKEND"].endswith("FileCache"):
        settings.CACHES[_alias]["LOCATION"] = _THROTTLE_DIR
# The public cache (anonymous catalog reads) is off for the suite: inside a test's transaction, which never
# commits, only the first write of a test bumps its version. Its own tests turn it on and commit
# (tests/catalog/cached_reads.py); its directory is this run's.
settings.CATALOG_CACHE_SECONDS = 0
if settings.CACHES["public"]["BACKEND"].endswith("FileCache"):
    settings.CACHES["public"]["LOCATION"] = tempfile.mkdtemp(prefix="shop-test-public-", dir=_THROTTLE_DIR)
if settings.CACHES["jobs"]["BACKEND"].endswith("FileCache"):  # the jobs' progress: a directory of this run too
    settings.CACHES["jobs"]["LOCATION"] = tempfile.mkdtemp(prefix="shop-test-jobs-", dir=_THROTTLE_DIR)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters, cached values and a Redis marked down must not leak from one test into the next."""
    FailoverCache._down_until.clear()
    for alias in ("default", "throttle", "jobs"):
        caches[alias].clear()
    yield
    for alias in ("default", "throttle", "jobs"):
        caches[alias].clear()


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


def with_every_permission(user):
    """Staff powers are model permissions: this staff member holds all of them (and is no superuser), the
    import/export ones included."""
    from shop.backoffice.importexport import ensure_import_export_permissions

    ensure_import_export_permissions()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def shipping_addresses(customer, other_customer):
    """A default address for `customer` and `other_customer`, so that they can check out."""
    return [AddressFactory(user=user, is_default=True) for user in (customer, other_customer)]


@pytest.fixture
def staff(db):
    """A staff member with every model permission; tests of roles build their own (tests/security)."""
    return with_every_permission(StaffFactory())


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(superuser):
    return client_for(superuser)


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


@pytest.fixture
def stripe_fake(settings):
    """Stripe enabled and pointed at an in-process fake (tests/payments/stripe_fake.py): nothing leaves the machine."""
    from tests.payments.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = SECRET_KEY, WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()
