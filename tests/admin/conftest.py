import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.factories import StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Import files kept between preview and confirm land in a throw-away MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {group.name: group for group in Group.objects.all()}


def _member(roles, name):
    user = StaffFactory()
    user.groups.add(roles[name])
    return user


@pytest.fixture
def catalog_manager(roles):
    return _member(roles, "Catalog managers")


@pytest.fixture
def order_manager(roles):
    return _member(roles, "Order managers")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def catalog_client(client, catalog_manager):
    client.force_login(catalog_manager)
    return client


@pytest.fixture
def order_client(client, order_manager):
    client.force_login(order_manager)
    return client
