"""The password-reset mail goes through a task: the request does the same work for every address."""

import logging

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.accounts import services
from shop.accounts.tasks import send_password_reset_mail

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password/reset/"


def _reset(api_client, email, django_capture_on_commit_callbacks):
    """POST a reset without running what it enqueued → (response, queries, on-commit callbacks)."""
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        response = api_client.post(RESET, {"email": email})
    return response, [query["sql"] for query in queries], callbacks


def test_reset_request_does_the_same_work_for_known_and_unknown_emails(
    api_client, customer, django_capture_on_commit_callbacks
):
    known = _reset(api_client, customer.email, django_capture_on_commit_callbacks)
    unknown = _reset(api_client, "nobody-here@example.com", django_capture_on_commit_callbacks)
    assert known[0].status_code == unknown[0].status_code == 202
    assert known[0].json() == unknown[0].json()
    assert known[1] == unknown[1]  # the same queries: the user is looked up in the task, not in the request
    assert not any("accounts_user" in sql for sql in known[1])
    assert len(known[2]) == len(unknown[2]) == 1  # one task enqueued either way
    assert mail.outbox == []


def test_reset_mail_arrives_in_the_outbox_after_the_commit(api_client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post(RESET, {"email": customer.email}).status_code == 202
        assert mail.outbox == []
    assert [message.to for message in mail.outbox] == [[customer.email]]


def test_reset_of_an_unknown_email_sends_nothing_after_the_commit(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post(RESET, {"email": "nobody-here@example.com"}).status_code == 202
    assert mail.outbox == []


def test_a_failing_reset_task_is_logged_and_the_request_still_answers_202(
    api_client, customer, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "password_reset_mail_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(RESET, {"email": customer.email})
    assert response.status_code == 202
    assert any(
        record.levelno == logging.ERROR and "send_password_reset_mail" in record.getMessage()
        for record in caplog.records
    )


def test_the_reset_task_looks_the_address_up_and_mails_a_token(customer):
    send_password_reset_mail.apply(kwargs={"email": f" {customer.email.upper()} "}, throw=True)
    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert "token: " in mail.outbox[0].body
