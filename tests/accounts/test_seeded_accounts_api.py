"""The accounts API against the committed fakestore fixtures (what a fresh install serves)."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.accounts.utils import assert_problem
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

JOHN = {"email": "john@gmail.com", "password": "m38rmF$"}


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the fixtures' hashes
    fixtures = sorted(str(path) for path in (Path(django_settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)


def test_a_seeded_customer_logs_in_and_sees_only_their_profile_and_address(seeded, api_client):
    response = api_client.post("/api/v1/auth/login/", JOHN)
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    me = api_client.get("/api/v1/auth/me/").json()
    assert (me["id"], me["email"], me["phone"]) == (1, "john@gmail.com", "1-570-236-7033")
    addresses = api_client.get("/api/v1/addresses/").json()
    assert [(a["user"], a["city"], a["country"], a["is_default"]) for a in addresses["results"]] == [
        (1, "kilcoole", "US", True)
    ]
    assert_problem(api_client.get("/api/v1/users/2/"), 404, "not_found")
    refreshed = api_client.post("/api/v1/auth/refresh/", {"refresh": response.json()["refresh"]})
    assert refreshed.status_code == 200


def test_staff_list_the_seeded_users_by_email(seeded, staff):
    response = client_for(staff).get("/api/v1/users/", {"ordering": "email", "page_size": 100})
    emails = [user["email"] for user in response.json()["results"]]
    assert response.json()["count"] == 11
    assert emails == sorted(emails)
    assert "john@gmail.com" in emails
