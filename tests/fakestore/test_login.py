"""Black-box: POST /fakestore/auth/login {username, password} → {token}, a real access token for /api/v1/."""

import pytest
from django.conf import settings

from shop.core.throttling import ScopedRateThrottle, SecondScopeRateThrottle
from tests.factories import PASSWORD, UserFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

LOGIN = "/fakestore/auth/login"


def login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def me(client, token):
    return client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def customer_with_username(db):
    return UserFactory(username="Kate_H", email="kate@example.com")


@pytest.mark.parametrize("name", ["Kate_H", "kate_h", "KATE@example.com", "kate@example.com"])
def test_a_username_or_an_email_in_any_case_logs_in(api_client, customer_with_username, name):
    response = login(api_client, name, PASSWORD)
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    answer = me(api_client, response.json()["token"])
    assert answer.status_code == 200 and answer.json()["id"] == customer_with_username.pk


def test_a_fakestore_customer_logs_in_with_the_data_sets_credentials(api_client, fakestore_shop):
    response = login(api_client, "johnd", "m38rmF$")
    assert response.status_code == 200
    assert me(api_client, response.json()["token"]).json()["email"] == "john@gmail.com"


@pytest.mark.parametrize(("name", "password"), [("Kate_H", "wrong"), ("nobody", PASSWORD), ("no@body.io", PASSWORD)])
def test_wrong_credentials_are_a_401_problem(api_client, customer_with_username, name, password):
    assert_problem(login(api_client, name, password), 401, "not_authenticated")


def test_a_deactivated_account_cannot_log_in(api_client, customer_with_username):
    customer_with_username.is_active = False
    customer_with_username.save()
    assert_problem(login(api_client, "Kate_H", PASSWORD), 401, "not_authenticated")


@pytest.mark.parametrize(
    "body", [{"username": "Kate_H"}, {"password": PASSWORD}, {"username": "k", "password": "p", "x": 1}]
)
def test_an_incomplete_or_unknown_body_is_a_400(api_client, customer_with_username, body):
    assert_problem(api_client.post(LOGIN, body, format="json"), 400, "validation_error")


def test_the_token_is_no_refresh_and_the_api_login_still_takes_the_email(api_client, customer_with_username):
    token = login(api_client, "Kate_H", PASSWORD).json()["token"]
    assert api_client.post("/api/v1/auth/refresh/", {"refresh": token}, format="json").status_code == 401
    api = api_client.post("/api/v1/auth/login/", {"email": "kate@example.com", "password": PASSWORD}, format="json")
    assert api.status_code == 200


def test_failures_by_username_and_by_email_count_toward_one_lock_out(api_client, customer_with_username):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(api_client, "Kate_H" if attempt % 2 else "kate@example.com", "wrong")
    locked = login(api_client, "kate_h", PASSWORD)
    assert_problem(locked, 429, "throttled")
    assert int(locked["Retry-After"]) > 0
    assert login(api_client, "Kate_H", PASSWORD, address="10.0.0.2").status_code == 200


def test_the_login_counts_against_the_auth_rate(api_client, customer_with_username, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "auth": "2/min"}
    monkeypatch.setattr(SecondScopeRateThrottle, "THROTTLE_RATES", rates)
    assert [login(api_client, "Kate_H", PASSWORD).status_code for _ in range(3)] == [200, 200, 429]
