"""Login lock-out (django-axes): repeated failures lock one account from one address, at /admin/login/ and
/api/v1/auth/login/ together, in the database every worker reads; a superuser or a command unlocks."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import with_every_permission
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, email="root@example.com")


def admin_login(client, email, password, address="10.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def api_login(api_client, email, password, address="10.0.0.1"):
    return api_client.post("/api/v1/auth/login/", {"email": email, "password": password}, REMOTE_ADDR=address)


def test_forty_wrong_admin_passwords_lock_the_superuser_out_of_that_address(client, superuser):
    for _ in range(40):
        admin_login(client, superuser.email, "wrong-guess")
    response = admin_login(client, superuser.email, PASSWORD)
    assert not logged_in(response)
    assert response.status_code == 429
    assert "Login locked" in response.content.decode()


def test_the_lock_is_per_account_and_address(client, superuser):
    other = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        admin_login(client, superuser.email, "wrong-guess")
    assert logged_in(admin_login(client, superuser.email, PASSWORD, address="10.0.0.2"))
    client.logout()
    assert logged_in(admin_login(client, other.email, PASSWORD))


def test_failures_below_the_limit_are_forgotten_after_a_success(client, superuser):
    for _ in range(LIMIT - 1):
        admin_login(client, superuser.email, "wrong-guess")
    assert logged_in(admin_login(client, superuser.email, PASSWORD))
    client.logout()
    for _ in range(LIMIT - 1):
        admin_login(client, superuser.email, "wrong-guess")
    assert logged_in(admin_login(client, superuser.email, PASSWORD))


def test_api_and_admin_failures_count_toward_one_lock_whatever_the_email_case(client, api_client, superuser):
    for _ in range(LIMIT // 2):
        admin_login(client, superuser.email.upper(), "wrong-guess")
    for _ in range(LIMIT - LIMIT // 2):
        api_login(api_client, superuser.email, "wrong-guess")
    body = assert_problem(api_login(api_client, superuser.email, PASSWORD), 429, "throttled")
    assert "Too many failed logins" in body["detail"]
    assert int(api_login(api_client, superuser.email, PASSWORD)["Retry-After"]) > 60
    assert not logged_in(admin_login(client, superuser.email, PASSWORD))


def test_the_api_keeps_answering_401_below_the_limit(api_client, superuser):
    for _ in range(LIMIT - 1):
        assert_problem(api_login(api_client, superuser.email, "wrong-guess"), 401, "not_authenticated")
    assert api_login(api_client, superuser.email, PASSWORD).status_code == 200


def test_the_lock_lives_in_the_database_that_every_worker_reads(client, superuser):
    for _ in range(LIMIT):
        admin_login(client, superuser.email, "wrong-guess")
    attempt = AccessAttempt.objects.get(username=superuser.email)
    assert (attempt.ip_address, attempt.failures_since_start) == ("10.0.0.1", LIMIT)
    assert "wrong-guess" not in attempt.post_data  # passwords are never stored


def test_the_unlock_command_lets_the_account_in_again(client, superuser):
    for _ in range(LIMIT):
        admin_login(client, superuser.email, "wrong-guess")
    call_command("axes_reset_username", superuser.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert logged_in(admin_login(client, superuser.email, PASSWORD))


def test_a_superuser_unlocks_in_the_admin_and_other_staff_do_not_see_the_records(client, superuser):
    for _ in range(LIMIT):
        admin_login(client, "victim@example.com", "wrong-guess")
    changelist = reverse("admin:axes_accessattempt_changelist")
    client.force_login(with_every_permission(StaffFactory()))
    assert client.get(changelist).status_code == 403
    client.force_login(superuser)
    attempt = AccessAttempt.objects.get(username="victim@example.com")
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
