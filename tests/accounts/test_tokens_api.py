import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from tests.accounts.utils import assert_problem, login, refresh_for
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
LOGOUT_ALL = "/api/v1/auth/logout-all/"


def test_refresh_returns_a_new_pair_and_the_new_refresh_works(api_client, customer):
    first = login(api_client, customer)
    second = api_client.post(REFRESH, {"refresh": first["refresh"]})
    assert second.status_code == 200
    pair = second.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != first["refresh"]
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 200


def test_old_refresh_fails_after_it_was_refreshed(api_client, customer):
    tokens = login(api_client, customer)
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200
    assert_problem(api_client.post(REFRESH, {"refresh": tokens["refresh"]}), 401, "not_authenticated")


def test_refresh_of_garbage_or_an_access_token_is_a_401(api_client, customer):
    tokens = login(api_client, customer)
    assert_problem(api_client.post(REFRESH, {"refresh": "garbage"}), 401, "not_authenticated")
    assert_problem(api_client.post(REFRESH, {"refresh": tokens["access"]}), 401, "not_authenticated")


def test_refresh_without_a_token_is_a_400(api_client):
    body = assert_problem(api_client.post(REFRESH, {}), 400, "validation_error")
    assert list(body["errors"]) == ["refresh"]


def test_refresh_of_a_token_never_recorded_as_outstanding_is_a_401(api_client, customer):
    token = RefreshToken.for_user(customer)
    OutstandingToken.objects.filter(jti=token["jti"]).delete()
    assert_problem(api_client.post(REFRESH, {"refresh": str(token)}), 401, "not_authenticated")


def test_refresh_for_a_deactivated_or_deleted_user_is_a_401(api_client):
    inactive, deleted = UserFactory(), UserFactory()
    inactive_token, deleted_token = refresh_for(inactive), refresh_for(deleted)
    inactive.is_active = False
    inactive.save()
    deleted.delete()
    assert_problem(api_client.post(REFRESH, {"refresh": inactive_token}), 401, "not_authenticated")
    assert_problem(api_client.post(REFRESH, {"refresh": deleted_token}), 401, "not_authenticated")


def test_logout_blacklists_the_given_refresh(api_client, customer):
    tokens = login(api_client, customer)
    client = client_for(customer)
    assert client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
    assert_problem(api_client.post(REFRESH, {"refresh": tokens["refresh"]}), 401, "not_authenticated")


def test_logout_keeps_the_users_other_sessions(api_client, customer):
    phone, laptop = login(api_client, customer), login(api_client, customer)
    assert client_for(customer).post(LOGOUT, {"refresh": phone["refresh"]}).status_code == 204
    assert api_client.post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 200


def test_logout_of_someone_elses_refresh_is_a_400_and_leaves_it_working(api_client, customer, other_customer):
    theirs = login(api_client, other_customer)
    response = client_for(customer).post(LOGOUT, {"refresh": theirs["refresh"]})
    body = assert_problem(response, 400, "validation_error")
    assert list(body["errors"]) == ["refresh"]
    assert api_client.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200


def test_logout_of_an_already_revoked_refresh_is_a_400(customer_client, customer):
    token = refresh_for(customer)
    assert customer_client.post(LOGOUT, {"refresh": token}).status_code == 204
    assert_problem(customer_client.post(LOGOUT, {"refresh": token}), 400, "validation_error")


def test_logout_needs_authentication(api_client, customer):
    assert_problem(api_client.post(LOGOUT, {"refresh": refresh_for(customer)}), 401, "not_authenticated")


def test_logout_all_blacklists_every_refresh_of_the_user_only(api_client, customer, other_customer):
    sessions = [login(api_client, customer) for _ in range(3)]
    theirs = login(api_client, other_customer)
    assert client_for(customer).post(LOGOUT_ALL).status_code == 204
    for session in sessions:
        assert_problem(api_client.post(REFRESH, {"refresh": session["refresh"]}), 401, "not_authenticated")
    assert api_client.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200


def test_logout_all_twice_is_harmless(customer_client, customer):
    refresh_for(customer)
    assert customer_client.post(LOGOUT_ALL).status_code == 204
    revoked = BlacklistedToken.objects.filter(token__user=customer).count()
    assert customer_client.post(LOGOUT_ALL).status_code == 204
    assert BlacklistedToken.objects.filter(token__user=customer).count() == revoked
    assert revoked == OutstandingToken.objects.filter(user=customer).count()


def test_logout_all_needs_authentication(api_client):
    assert_problem(api_client.post(LOGOUT_ALL), 401, "not_authenticated")


def test_password_change_revokes_every_refresh_of_the_user(api_client, customer):
    tokens = login(api_client, customer)
    response = client_for(customer).post(
        "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": "a-brand-new-secret-7"}
    )
    assert response.status_code == 204
    assert_problem(api_client.post(REFRESH, {"refresh": tokens["refresh"]}), 401, "not_authenticated")
    assert login(api_client, customer, "a-brand-new-secret-7")["refresh"]


def test_access_token_stops_working_after_a_password_change(api_client, customer):
    access = login(api_client, customer)["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    changed = api_client.post(
        "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": "brand-new-secret-42"}
    )
    assert changed.status_code == 204
    assert_problem(api_client.get("/api/v1/auth/me/"), 401, "not_authenticated")
