import pytest
from rest_framework_simplejwt.tokens import AccessToken

from shop.accounts.models import User
from tests.accounts.utils import assert_problem, login
from tests.factories import PASSWORD, UserFactory
from tests.helpers import assert_fields_refused

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
LOGIN = "/api/v1/auth/login/"
VERIFY = "/api/v1/auth/verify/"
ME = "/api/v1/auth/me/"
CHANGE = "/api/v1/auth/password/change/"


def test_register_creates_a_customer_and_answers_the_user(api_client):
    body = {"email": "New@Example.com", "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}
    response = api_client.post(REGISTER, body)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"id", "email", "username", "first_name", "last_name", "phone", "is_staff", "date_joined"}
    assert data["email"] == "new@example.com"
    assert data["is_staff"] is False
    user = User.objects.get(pk=data["id"])
    assert user.check_password(PASSWORD)
    assert not user.is_superuser


def test_register_refuses_is_staff_and_is_superuser(api_client):
    body = {"email": "sneaky@example.com", "password": PASSWORD, "is_staff": True, "is_superuser": True}
    response = api_client.post(REGISTER, body)
    assert_fields_refused(response, unknown=("is_staff", "is_superuser"))
    assert not User.objects.filter(email="sneaky@example.com").exists()


def test_register_with_a_taken_email_in_any_case_is_a_400_naming_only_email(api_client, customer):
    response = api_client.post(REGISTER, {"email": customer.email.upper(), "password": PASSWORD})
    body = assert_problem(response, 400, "validation_error")
    assert list(body["errors"]) == ["email"]
    assert User.objects.filter(email__iexact=customer.email).count() == 1


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "weird-user@example.com"])
def test_register_runs_djangos_password_validators(api_client, password):
    response = api_client.post(REGISTER, {"email": "weird-user@example.com", "password": password})
    body = assert_problem(response, 400, "validation_error")
    assert body["errors"]["password"]
    assert not User.objects.filter(email="weird-user@example.com").exists()


def test_register_requires_email_and_password(api_client):
    body = assert_problem(api_client.post(REGISTER, {}), 400, "validation_error")
    assert set(body["errors"]) == {"email", "password"}


def test_register_rejects_a_malformed_email(api_client):
    body = assert_problem(api_client.post(REGISTER, {"email": "nope", "password": PASSWORD}), 400, "validation_error")
    assert "email" in body["errors"]


def test_login_by_email_in_any_case_returns_a_token_pair(api_client, customer):
    response = api_client.post(LOGIN, {"email": customer.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}
    assert str(AccessToken(tokens["access"])["user_id"]) == str(customer.pk)
    customer.refresh_from_db()
    assert customer.last_login is not None


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "user-does-not-exist@example.com", "password": PASSWORD},
        {"email": "CUSTOMER", "password": "wrong-password-1"},
    ],
)
def test_login_with_bad_credentials_is_a_401_problem(api_client, customer, credentials):
    if credentials["email"] == "CUSTOMER":
        credentials = {**credentials, "email": customer.email}
    response = api_client.post(LOGIN, credentials)
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_login_of_an_inactive_user_is_a_401(api_client):
    user = UserFactory(is_active=False)
    assert_problem(api_client.post(LOGIN, {"email": user.email, "password": PASSWORD}), 401, "not_authenticated")


def test_login_with_missing_fields_is_a_400(api_client):
    body = assert_problem(api_client.post(LOGIN, {"email": "a@example.com"}), 400, "validation_error")
    assert list(body["errors"]) == ["password"]


def test_login_works_even_with_a_stale_authorization_header(api_client, customer):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.post(LOGIN, {"email": customer.email, "password": PASSWORD}).status_code == 200


def test_verify_accepts_a_live_access_and_refresh_token(api_client, customer):
    tokens = login(api_client, customer)
    for token in tokens.values():
        response = api_client.post(VERIFY, {"token": token})
        assert response.status_code == 200
        assert response.json() == {}


def test_verify_rejects_garbage_and_blacklisted_tokens_with_401(api_client, customer):
    tokens = login(api_client, customer)
    assert_problem(api_client.post(VERIFY, {"token": "garbage"}), 401, "not_authenticated")
    api_client.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]})
    assert_problem(api_client.post(VERIFY, {"token": tokens["refresh"]}), 401, "not_authenticated")


def test_me_answers_the_callers_profile(customer_client, customer):
    response = customer_client.get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == customer.pk
    assert response.json()["email"] == customer.email


def test_me_needs_authentication(api_client):
    assert_problem(api_client.get(ME), 401, "not_authenticated")


def test_me_patch_changes_names_and_phone(customer_client, customer):
    response = customer_client.patch(ME, {"first_name": "Grace", "phone": "+1 555 0100"})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone) == ("Grace", "+1 555 0100")
    assert response.json()["id"] == customer.pk


def test_me_patch_refuses_read_only_fields_and_changes_nothing(customer_client, customer):
    payload = {"first_name": "Grace", "email": "x@example.com", "is_staff": True, "id": 999}
    response = customer_client.patch(ME, payload)
    assert_fields_refused(response, read_only=("email", "is_staff", "id"))
    customer.refresh_from_db()
    assert customer.first_name != "Grace"
    assert customer.email != "x@example.com"
    assert customer.is_staff is False


def test_me_patch_validates_lengths(customer_client):
    body = assert_problem(customer_client.patch(ME, {"phone": "1" * 40}), 400, "validation_error")
    assert "phone" in body["errors"]


def test_me_does_not_allow_put_or_delete(customer_client):
    assert_problem(customer_client.put(ME, {"first_name": "A"}), 405, "method_not_allowed")
    assert_problem(customer_client.delete(ME), 405, "method_not_allowed")


def test_password_change_sets_the_new_password(customer_client, customer):
    response = customer_client.post(CHANGE, {"old_password": PASSWORD, "new_password": "a-brand-new-secret-7"})
    assert response.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password("a-brand-new-secret-7")


def test_password_change_with_a_wrong_old_password_is_a_400_and_changes_nothing(customer_client, customer):
    response = customer_client.post(CHANGE, {"old_password": "not-it-at-all", "new_password": "a-brand-new-secret-7"})
    body = assert_problem(response, 400, "validation_error")
    assert list(body["errors"]) == ["old_password"]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_change_validates_the_new_password(customer_client, customer):
    body = assert_problem(
        customer_client.post(CHANGE, {"old_password": PASSWORD, "new_password": "123"}), 400, "validation_error"
    )
    assert list(body["errors"]) == ["new_password"]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_change_needs_authentication(api_client):
    assert_problem(api_client.post(CHANGE, {"old_password": "a", "new_password": "b"}), 401, "not_authenticated")
