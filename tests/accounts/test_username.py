"""The optional username: unique whatever its case, by one rule for the API, the admin form, the import and
the database; empty means none (any number of users have none)."""

import pytest
import tablib
from django.db import IntegrityError

from shop.accounts.forms import UserChangeForm
from shop.accounts.models import User
from shop.accounts.resources import UserResource
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def test_a_customer_picks_a_username_and_reads_it_back(customer_client):
    response = customer_client.patch(ME, {"username": "Kate_H"}, format="json")
    assert response.status_code == 200
    assert response.json()["username"] == "Kate_H"
    assert customer_client.get(ME).json()["username"] == "Kate_H"


@pytest.mark.parametrize("taken", ["kate_h", "KATE_H", " Kate_H "])
def test_a_username_taken_in_another_case_is_a_400(customer_client, taken):
    UserFactory(username="Kate_H")
    response = customer_client.patch(ME, {"username": taken}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


@pytest.mark.parametrize("bad", ["kate@h", "kate h", "k/h"])
def test_a_username_with_an_at_sign_or_blank_is_a_400(customer_client, bad):
    assert customer_client.patch(ME, {"username": bad}, format="json").status_code == 400


@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_username_is_none_for_many_users(customer_client, customer, empty):
    UserFactory(username=None)
    customer.username = "before"
    customer.save()
    response = customer_client.patch(ME, {"username": empty}, format="json")
    assert response.status_code == 200 and response.json()["username"] is None


def test_staff_set_usernames_and_the_same_rule_holds(superuser_client):
    UserFactory(username="donero")
    body = {"email": "new@example.com", "password": PASSWORD, "username": "DONERO"}
    assert list(superuser_client.post("/api/v1/users/", body, format="json").json()["errors"]) == ["username"]
    body["username"] = "don_2"
    assert superuser_client.post("/api/v1/users/", body, format="json").json()["username"] == "don_2"


def test_the_admin_form_refuses_a_taken_username():
    UserFactory(username="derek")
    other = UserFactory()
    data = {"email": other.email, "username": "Derek", "date_joined": other.date_joined}
    assert "username" in UserChangeForm(instance=other, data=data).errors


def test_the_database_refuses_one_username_in_two_cases():
    UserFactory(username="snyder")
    with pytest.raises(IntegrityError):
        UserFactory(username="SNYDER")


def _users(*rows) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=list(UserResource._meta.fields))
    for email, username in rows:
        dataset.append([email, username, "", "", "", "1", ""])
    return dataset


def test_an_import_carries_usernames_and_refuses_one_twice():
    assert not UserResource().import_data(_users(("a@x.io", "hopkins"), ("b@x.io", "")), dry_run=False).has_errors()
    assert dict(User.objects.values_list("email", "username")) == {"a@x.io": "hopkins", "b@x.io": None}
    twice = UserResource().import_data(
        _users(("c@x.io", "kate"), ("d@x.io", "KATE")), dry_run=False, rollback_on_validation_errors=True
    )
    assert twice.has_validation_errors()
    taken = UserResource().import_data(_users(("e@x.io", "Hopkins")), dry_run=False, rollback_on_validation_errors=True)
    assert taken.has_validation_errors()
    assert not User.objects.filter(email__in=["c@x.io", "d@x.io", "e@x.io"]).exists()


def test_the_fakestore_fixture_users_keep_their_usernames(db):
    from django.conf import settings
    from django.core.management import call_command

    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "users.json"), verbosity=0)
    assert User.objects.get(email="john@gmail.com").username == "johnd"
    assert User.objects.filter(username__isnull=False).count() == 10
