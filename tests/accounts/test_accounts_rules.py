"""The accounts rules have one home, `shop.accounts.services`: change the rule there and every way in (API,
admin forms, import, the manager, the login lock-out) follows."""

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from shop.accounts import lockout, services
from shop.accounts.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from shop.accounts.models import User
from shop.accounts.resources import UserResource
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOUSE_RULE = "Rejected by the house rule."


@pytest.fixture
def plus_addressing_folded(monkeypatch):
    """A stricter email rule: `ann+shop@x.io` is `ann@x.io` (sub-addresses fold into the mailbox)."""
    real = services.email_normalize

    def fold(email):
        local, _, domain = real(email).partition("@")
        return f"{local.split('+')[0]}@{domain}"

    monkeypatch.setattr(services, "email_normalize", fold)


@pytest.fixture
def house_password_rule(monkeypatch):
    def refuse(password, *, user):
        raise ValidationError(HOUSE_RULE)

    monkeypatch.setattr(services, "password_validate", refuse)


def _creation_form(email):
    return UserCreationForm(data={"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_every_way_in_spells_emails_by_the_one_rule(plus_addressing_folded, api_client, superuser_client):
    assert api_client.post("/api/v1/auth/register/", {"email": "A+1@X.io", "password": PASSWORD}).status_code == 201
    assert superuser_client.post("/api/v1/users/", {"email": "B+1@X.io", "password": PASSWORD}).status_code == 201
    form = _creation_form("C+1@X.io")
    assert form.is_valid(), form.errors
    form.save()
    User.objects.create_user("D+1@X.io", PASSWORD)
    dataset = tablib.Dataset(["E+1@X.io", "", "Eve", "", "", "1", ""], headers=list(UserResource._meta.fields))
    assert not UserResource().import_data(dataset, dry_run=False).has_errors()
    assert set(User.objects.filter(email__endswith="x.io").values_list("email", flat=True)) == {
        f"{c}@x.io" for c in "abcde"
    }
    login = RequestFactory().post("/admin/login/", {"username": "A+2@X.io"})
    assert lockout.username_of(login, None) == "a@x.io"


def test_every_way_in_refuses_a_taken_email_by_the_one_rule(plus_addressing_folded, api_client, superuser_client):
    taken = UserFactory(email="ann@x.io")
    other = UserFactory(email="bob@x.io")
    register = api_client.post("/api/v1/auth/register/", {"email": "Ann+2@x.io", "password": PASSWORD})
    assert list(register.json()["errors"]) == ["email"]
    patch = superuser_client.patch(f"/api/v1/users/{other.pk}/", {"email": "ann+3@x.io"}, format="json")
    assert list(patch.json()["errors"]) == ["email"]
    assert "email" in _creation_form("ann+4@x.io").errors
    change = UserChangeForm(instance=other, data={"email": "ann+5@x.io", "date_joined": other.date_joined})
    assert "email" in change.errors
    assert User.objects.get(pk=taken.pk).email == "ann@x.io"
    assert User.objects.filter(email__endswith="x.io").count() == 2


def test_an_import_with_one_email_twice_is_refused_row_by_row():
    dataset = tablib.Dataset(headers=list(UserResource._meta.fields))
    dataset.append(["ann@x.io", "", "Ann", "", "", "1", ""])
    dataset.append(["ANN@X.io", "", "Annie", "", "", "1", ""])
    result = UserResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    assert not User.objects.filter(email="ann@x.io").exists()


def test_every_way_in_validates_passwords_by_the_one_rule(house_password_rule, api_client, customer):
    register = api_client.post("/api/v1/auth/register/", {"email": "new@x.io", "password": PASSWORD})
    assert register.json()["errors"] == {"password": [HOUSE_RULE]}
    change = client_for(customer).post(
        "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": "whatever-it-is-1"}
    )
    assert change.json()["errors"] == {"new_password": [HOUSE_RULE]}
    assert _creation_form("new@x.io").errors["password2"] == [HOUSE_RULE]
    admin_change = AdminPasswordChangeForm(customer, data={"password1": "x-long-one-1", "password2": "x-long-one-1"})
    assert admin_change.errors["password2"] == [HOUSE_RULE]


def test_a_staff_import_never_changes_a_staff_members_account_unless_a_superuser_runs_it():
    colleague = UserFactory(is_staff=True, email="colleague@x.io")
    dataset = tablib.Dataset(["colleague@x.io", "", "Col", "", "", "0", ""], headers=list(UserResource._meta.fields))
    importer = UserFactory(is_staff=True)
    refused = UserResource().import_data(dataset, dry_run=False, user=importer, rollback_on_validation_errors=True)
    assert refused.has_validation_errors()
    assert User.objects.get(pk=colleague.pk).is_active
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert not UserResource().import_data(dataset, dry_run=False, user=superuser).has_validation_errors()
    assert not User.objects.get(pk=colleague.pk).is_active
