import re

import pytest
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.accounts.utils import assert_problem, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the reset mail is sent after the commit

RESET = "/api/v1/auth/password/reset/"
CONFIRM = "/api/v1/auth/password/reset/confirm/"
NEW_PASSWORD = "another-long-secret-42"


def _uid_and_token(message) -> tuple[str, str]:
    uid = re.search(r"^uid: (\S+)$", message.body, re.MULTILINE).group(1)
    token = re.search(r"^token: (\S+)$", message.body, re.MULTILINE).group(1)
    return uid, token


def test_reset_round_trip_sets_the_password_and_revokes_sessions(api_client, customer):
    old_session = login(api_client, customer)
    response = api_client.post(RESET, {"email": customer.email.upper()})
    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    uid, token = _uid_and_token(message)
    assert uid == urlsafe_base64_encode(force_bytes(customer.pk))

    assert api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert login(api_client, customer, NEW_PASSWORD)
    refresh = api_client.post("/api/v1/auth/refresh/", {"refresh": old_session["refresh"]})
    assert_problem(refresh, 401, "not_authenticated")


def test_reset_token_works_only_once(api_client, customer):
    api_client.post(RESET, {"email": customer.email})
    uid, token = _uid_and_token(mail.outbox[0])
    assert api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 204
    again = api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": "yet-another-secret-43"})
    body = assert_problem(again, 400, "validation_error")
    assert list(body["errors"]) == ["token"]


@pytest.mark.parametrize("email", ["nobody-here@example.com", "INACTIVE"])
def test_reset_answers_202_without_mail_for_unknown_or_inactive_email(api_client, email):
    if email == "INACTIVE":
        email = UserFactory(is_active=False).email
    response = api_client.post(RESET, {"email": email})
    assert response.status_code == 202
    assert mail.outbox == []


def test_reset_answers_the_same_body_whether_or_not_the_email_exists(api_client, customer):
    known = api_client.post(RESET, {"email": customer.email})
    unknown = api_client.post(RESET, {"email": "nobody-here@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_reset_of_a_malformed_email_is_a_400(api_client):
    body = assert_problem(api_client.post(RESET, {"email": "not-an-email"}), 400, "validation_error")
    assert list(body["errors"]) == ["email"]


@pytest.mark.parametrize("uid", ["garbage", "", "!!!", urlsafe_base64_encode(b"999999")])
def test_confirm_with_a_bad_uid_is_a_400_and_changes_nothing(api_client, customer, uid):
    api_client.post(RESET, {"email": customer.email})
    _, token = _uid_and_token(mail.outbox[0])
    body = assert_problem(
        api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}), 400, "validation_error"
    )
    assert set(body["errors"]) <= {"uid", "token"}
    customer.refresh_from_db()
    assert not customer.check_password(NEW_PASSWORD)


def test_confirm_with_a_bad_token_is_a_400_and_changes_nothing(api_client, customer):
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    response = api_client.post(CONFIRM, {"uid": uid, "token": "abc-123", "new_password": NEW_PASSWORD})
    body = assert_problem(response, 400, "validation_error")
    assert list(body["errors"]) == ["token"]
    customer.refresh_from_db()
    assert not customer.check_password(NEW_PASSWORD)


def test_confirm_token_of_one_user_does_not_reset_another(api_client, customer, other_customer):
    api_client.post(RESET, {"email": customer.email})
    _, token = _uid_and_token(mail.outbox[0])
    uid = urlsafe_base64_encode(force_bytes(other_customer.pk))
    response = api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert_problem(response, 400, "validation_error")


def test_confirm_validates_the_new_password(api_client, customer):
    api_client.post(RESET, {"email": customer.email})
    uid, token = _uid_and_token(mail.outbox[0])
    response = api_client.post(CONFIRM, {"uid": uid, "token": token, "new_password": "1234"})
    body = assert_problem(response, 400, "validation_error")
    assert list(body["errors"]) == ["new_password"]


def test_reset_mail_holds_the_frontend_link_when_configured(api_client, customer, settings):
    settings.FRONTEND_PASSWORD_RESET_URL = "https://shop.example.com/reset/{uid}/{token}"
    api_client.post(RESET, {"email": customer.email})
    uid, token = _uid_and_token(mail.outbox[0])
    assert f"https://shop.example.com/reset/{uid}/{token}" in mail.outbox[0].body
