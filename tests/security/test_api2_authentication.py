"""OWASP API2:2023 broken authentication: forged, expired, unsigned and revoked tokens; throttled login."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user) -> dict:
    return jwt.decode(str(AccessToken.for_user(user)), options={"verify_signature": False})


def _assert_401(client, token: str, path: str = ME):
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert "WWW-Authenticate" in response


def test_a_valid_access_token_is_accepted(client, customer):
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    assert response.status_code == 200


def test_a_token_with_a_changed_payload_is_refused(client, customer, staff):
    header, _, signature = str(AccessToken.for_user(customer)).split(".")
    forged = {**_claims(customer), "user_id": str(staff.pk)}
    _assert_401(client, f"{header}.{_b64(forged)}.{signature}")


def test_an_expired_token_is_refused(client, customer):
    token = AccessToken.for_user(customer)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=1))
    _assert_401(client, str(token))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_alg_none_token_is_refused(client, staff, alg):
    header = _b64({"alg": alg, "typ": "JWT"})
    _assert_401(client, f"{header}.{_b64(_claims(staff))}.")


def test_a_token_signed_with_another_key_is_refused(client, staff):
    forged = jwt.encode(_claims(staff), "not-the-signing-key-" + "x" * 32, algorithm="HS256")
    _assert_401(client, forged)


def test_a_token_signed_with_another_algorithm_is_refused(client, staff):
    forged = jwt.encode(_claims(staff), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512")
    _assert_401(client, forged)


def test_a_refresh_token_is_not_an_access_token(client, customer):
    _assert_401(client, str(RefreshToken.for_user(customer)))


def test_the_token_of_a_deactivated_user_is_refused(client, customer):
    token = str(AccessToken.for_user(customer))
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    _assert_401(client, token)


def test_the_token_of_a_deleted_user_is_refused(client, customer):
    token = str(AccessToken.for_user(customer))
    customer.delete()
    _assert_401(client, token)


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearer " + "A" * 5000])
def test_malformed_authorization_headers_are_refused_without_a_crash(client, header):
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def _login(client, user) -> dict:
    response = client.post(
        "/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()


def _refresh(client, refresh: str):
    return client.post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")


def test_a_refresh_token_works_once(client, customer):
    refresh = _login(client, customer)["refresh"]
    assert _refresh(client, refresh).status_code == 200
    assert _refresh(client, refresh).status_code == 401


def test_logout_blacklists_the_refresh_token(client, customer):
    tokens = _login(client, customer)
    response = client.post(
        "/api/v1/auth/logout/",
        {"refresh": tokens["refresh"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
    )
    assert response.status_code == 204
    assert _refresh(client, tokens["refresh"]).status_code == 401


def test_logout_all_blacklists_every_refresh_token_of_the_user(client, customer):
    sessions = [_login(client, customer) for _ in range(3)]
    bearer = f"Bearer {sessions[0]['access']}"
    response = client.post("/api/v1/auth/logout-all/", content_type="application/json", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 204
    assert [_refresh(client, s["refresh"]).status_code for s in sessions] == [401, 401, 401]


@pytest.fixture
def strict_auth_rate(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "auth", "3/min")


def _bad_login(client, email: str, **extra):
    body = {"email": email, "password": "wrong-password-1"}
    return client.post("/api/v1/auth/login/", body, content_type="application/json", **extra)


def test_login_is_throttled_after_the_auth_rate(client, customer, strict_auth_rate):
    assert [_bad_login(client, customer.email).status_code for _ in range(3)] == [401, 401, 401]
    body = {"email": customer.email, "password": PASSWORD}
    throttled = client.post("/api/v1/auth/login/", body, content_type="application/json")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_a_forged_forwarded_for_header_does_not_escape_the_login_throttle(client, customer, strict_auth_rate):
    for _ in range(3):
        _bad_login(client, customer.email)
    spoofed = [_bad_login(client, customer.email, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert spoofed == [429, 429, 429]


def test_login_errors_do_not_tell_whether_the_email_exists(client, customer):
    known = _bad_login(client, customer.email)
    unknown = _bad_login(client, "nobody-here@example.com")
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()
