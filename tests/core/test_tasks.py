"""Background work: `enqueue` runs tasks after the commit, failures stay out of the caller, the schedule."""

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from celery import Celery, shared_task
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.conf import settings
from django.core import mail
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

from shop.celery import app
from shop.core import tasks
from shop.core.background import enqueue
from shop.core.logging import trace_id_var
from tests.core.logcapture import captured_json_logs

pytestmark = pytest.mark.django_db

ran = []


@shared_task(name="tests.core.record")
def record(value: str) -> str:
    ran.append((value, trace_id_var.get()))
    return value


@shared_task(name="tests.core.explode")
def explode() -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _forget_runs():
    ran.clear()


def test_enqueued_work_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(record, value="a")
        assert ran == []
    assert len(callbacks) == 1
    assert [value for value, _ in ran] == ["a"]


def test_work_enqueued_in_a_rolled_back_transaction_never_runs(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(OperationalError),
        transaction.atomic(),
    ):
        enqueue(record, value="lost")
        raise OperationalError("rolled back")
    assert callbacks == []
    assert ran == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_work_runs_at_once():
    enqueue(record, value="now")
    assert [value for value, _ in ran] == ["now"]


def test_a_failing_in_process_task_is_logged_and_does_not_reach_the_caller(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(explode)
        enqueue(record, value="after")
    failures = [r for r in caplog.records if r.levelno == logging.ERROR and "tests.core.explode" in r.getMessage()]
    assert len(failures) == 1
    assert "boom" in failures[0].getMessage()
    assert [value for value, _ in ran] == ["after"]


@pytest.fixture
def with_a_broker():
    """Tasks are sent, not run in-process (the send itself is faked by the test)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_a_broker_that_cannot_be_reached_is_logged_and_does_not_reach_the_caller(
    with_a_broker, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(record, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(record, value="lost")
    assert [r.getMessage() for r in caplog.records if r.name == "shop.core.background"] == [
        "task tests.core.record could not be enqueued"
    ]


def test_in_process_work_gets_its_arguments_as_a_worker_would(django_capture_on_commit_callbacks, caplog, customer):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(record, value=customer)  # a model instance: a worker could not be sent it either
    assert ran == []
    assert "could not be enqueued" in caplog.text


def test_in_process_work_keeps_the_trace_id_of_the_request(django_capture_on_commit_callbacks):
    token = trace_id_var.set("request1234abcd")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(record, value="traced")
    finally:
        trace_id_var.reset(token)
    assert ran == [("traced", "request1234abcd")]
    assert trace_id_var.get() is None


def test_cleanup_import_files_task_deletes_stale_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_TTL_HOURS = 24
    folder = tmp_path / "django-import-export"
    folder.mkdir()
    old, fresh = folder / "old", folder / "fresh"
    old.write_text("sku\n")
    fresh.write_text("sku\n")
    two_days_ago = time.time() - timedelta(days=2).total_seconds()
    os.utime(old, (two_days_ago, two_days_ago))

    assert tasks.cleanup_import_files.apply().get() == 1
    assert tasks.cleanup_import_files.apply().get() == 0
    assert not old.exists()
    assert fresh.exists()


# --- The schedule (CELERY_BEAT_SCHEDULE) ----------------------------------------------------------

SCHEDULED = {
    "shop.carts.tasks.abandon_stale_carts": ("shop.carts.tasks", "cart_abandon_stale"),
    "shop.catalog.tasks.release_expired_reservations": ("shop.catalog.tasks", "stock_reservations_delete_expired"),
    "shop.orders.tasks.cleanup_idempotency_keys": ("shop.orders.tasks", "idempotency_keys_cleanup"),
    "shop.core.tasks.cleanup_import_files": ("shop.core.tasks", "import_files_delete_stale"),
    "shop.catalog.tasks.send_low_stock_digest": ("shop.catalog.tasks", "low_stock_digest_send"),
    "shop.backoffice.tasks.fail_stale_jobs": ("shop.backoffice.tasks", "jobs_fail_stale"),
    "shop.backoffice.tasks.delete_stale_job_files": ("shop.backoffice.tasks", "jobs_delete_stale_files"),
}


def test_every_scheduled_task_is_found_by_the_worker():
    app.loader.import_default_modules()  # what a worker does at start-up: autodiscovery of each app's tasks.py
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == set(SCHEDULED)
    assert scheduled <= set(app.tasks)


@pytest.mark.parametrize(("task_name", "service"), SCHEDULED.items(), ids=list(SCHEDULED))
def test_every_scheduled_task_calls_its_service(task_name, service, monkeypatch):
    module, function = service
    calls = []
    monkeypatch.setattr(f"{module}.{function}", lambda **kwargs: calls.append(kwargs))
    app.loader.import_default_modules()
    app.tasks[task_name].apply(throw=True)
    assert len(calls) == 1


def _schedule_with(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with `env` → prints {task: repr(schedule)}."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps({k: repr(v['schedule']) for k, v in settings.CELERY_BEAT_SCHEDULE.items()}))",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_schedule_comes_from_the_environment():
    result = _schedule_with(
        SCHEDULE_CART_ABANDON_MINUTES="3",
        SCHEDULE_IDEMPOTENCY_CLEANUP_MINUTES="0",
        SCHEDULE_LOW_STOCK_DIGEST_AT="06:30",
    )
    assert result.returncode == 0, result.stderr
    schedule = json.loads(result.stdout)
    assert schedule["shop.carts.tasks.abandon_stale_carts"] == repr(timedelta(minutes=3))
    assert "shop.orders.tasks.cleanup_idempotency_keys" not in schedule  # 0 turns a job off
    assert schedule["shop.catalog.tasks.send_low_stock_digest"].startswith("<crontab: 30 6 * * *")


def test_the_digest_time_must_be_a_time_of_day():
    result = _schedule_with(SCHEDULE_LOW_STOCK_DIGEST_AT="7am")
    assert result.returncode != 0
    assert "SCHEDULE_LOW_STOCK_DIGEST_AT must be HH:MM" in result.stderr


# --- The broker path, end to end ------------------------------------------------------------------

BROKER = "redis://127.0.0.1:6379/6"


@pytest.fixture
def redis_worker():
    """A real Celery worker (a thread of this process) consuming from Redis database 6; meanwhile tasks are
    sent to the broker instead of running in-process."""
    probe = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
    try:
        probe.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {BROKER}")
    app.loader.import_default_modules()  # every app's tasks.py, as a worker imports them at start-up
    worker_app = Celery("shop-test-worker", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=30):
            yield worker_app
    finally:
        app.set_current()
        app.set_default()
        worker_app.close()
        probe.flushdb()
        probe.close()


def _wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_reset_mail_through_redis_with_the_request_trace_id(redis_worker, api_client, customer):
    task_name = "shop.accounts.tasks.send_password_reset_mail"
    done_before = worker_state.total_count.get(task_name, 0)
    with captured_json_logs() as lines:
        response = api_client.post(
            "/api/v1/auth/password/reset/", {"email": customer.email}, HTTP_X_REQUEST_ID="trace0123456789"
        )
        assert response.status_code == 202
        assert _wait_for(lambda: len(mail.outbox) == 1), "the worker sent no mail"
        assert _wait_for(lambda: worker_state.total_count.get(task_name, 0) == done_before + 1)
    assert mail.outbox[0].to == [customer.email]
    worker_lines = [line for line in lines.of("celery.app.trace") if task_name in line["message"]]
    assert worker_lines
    assert {line["trace_id"] for line in worker_lines} == {"trace0123456789"}
    assert customer.email not in json.dumps(lines)  # the worker logs the arguments' names, not their values
