import pytest
from rest_framework.throttling import ScopedRateThrottle

from shop.accounts.models import User
from tests.accounts.utils import assert_problem, refresh_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth_rate_two_per_minute(monkeypatch):
    """DRF reads THROTTLE_RATES once, onto the class; patch it there."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "2/min"})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/login/", {"email": "nobody@example.com", "password": "wrong-password"}),
        ("/api/v1/auth/register/", {"email": "bad", "password": "x"}),
        ("/api/v1/auth/password/reset/", {"email": "nobody@example.com"}),
        ("/api/v1/auth/password/reset/confirm/", {"uid": "x", "token": "y", "new_password": PASSWORD}),
    ],
)
def test_auth_endpoints_answer_429_with_retry_after_past_the_auth_rate(
    api_client, auth_rate_two_per_minute, path, body
):
    for _ in range(2):
        assert api_client.post(path, body).status_code != 429
    response = api_client.post(path, body)
    assert_problem(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 61


def test_a_throttled_register_creates_nothing(api_client, auth_rate_two_per_minute):
    for n in range(2):
        api_client.post("/api/v1/auth/register/", {"email": f"x{n}@example.com", "password": "x"})
    response = api_client.post("/api/v1/auth/register/", {"email": "late@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert not User.objects.filter(email="late@example.com").exists()


def test_refresh_is_not_counted_against_the_auth_rate(api_client, customer, auth_rate_two_per_minute):
    for _ in range(3):
        assert api_client.post("/api/v1/auth/refresh/", {"refresh": refresh_for(customer)}).status_code == 200
