"""Schema fuzzing with schemathesis: every operation of /api/v1/schema/, bounded in examples.

* In process (WSGI), each operation as anonymous, a customer and staff: no 5xx, status codes, content
  types, headers and bodies as the schema documents them, and every 4xx/5xx an RFC 9457 problem document.
* Through the command line against a live server, configured by the committed schemathesis.toml (dynamic
  JWT logins of tests/security/fuzz_users.json): `object_level_authorization` replays one customer's
  reads of its own objects as the other customer.

Findings became regular tests in test_fuzz_regressions.py.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.config import SchemathesisConfig

from shop.wsgi import application
from tests.conftest import with_every_permission
from tests.factories import AddressFactory, CategoryFactory, ProductFactory, StaffFactory, UserFactory
from tests.security.fuzz_users import create_fuzz_users

MAX_EXAMPLES = 4

# The in-process run has its own identities (below), so it does not take the WFC logins from
# schemathesis.toml; the checks are the same.
IN_PROCESS_CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "checks": {
            # Rules a schema cannot express (password strength, valid tokens, ids that must exist, ISO
            # country codes) refuse schema-valid requests with 400; DRF also coerces 0 to "0" for strings.
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=IN_PROCESS_CONFIG)


def errors_are_problem_documents(ctx, response, case):
    """Every 4xx and 5xx under /api/ is `application/problem+json` with the matching `status`."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type == "application/problem+json", f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert body["status"] == response.status_code, body
    assert body["type"] == "about:blank" and body["code"] and body["title"], body
    return None


def _seed() -> dict:
    """A little of everything, so generated ids sometimes hit real objects."""
    category = CategoryFactory()
    ProductFactory(categories=[category])
    ProductFactory(is_active=False)
    customer = UserFactory()
    AddressFactory(user=customer)
    return {"customer": customer, "staff": with_every_permission(StaffFactory())}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests go through the real WSGI handler, whose request signals close "old" connections; inside
    the test's transaction that would close the connection (PostgreSQL). Django's test client unhooks
    `close_old_connections` the same way."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "customer", "staff"])
def role_headers(request, db, wsgi_keeps_the_test_connection):
    users = _seed()
    if request.param == "anonymous":
        return {}
    return {"Authorization": f"Bearer {RefreshToken.for_user(users[request.param]).access_token}"}


# The same examples on every run, so CI does not fail at random; FUZZ_EXPLORE=1 draws new ones.
EXPLORE = os.environ.get("FUZZ_EXPLORE") == "1"


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES * (5 if EXPLORE else 1),
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(case, role_headers):
    # Each example in a savepoint: a request that hits a database error (answered 400/503) must not leave
    # the test's transaction unusable for the next example (PostgreSQL).
    with transaction.atomic():
        case.call_and_validate(headers=role_headers, additional_checks=[errors_are_problem_documents])


def _schemathesis_command() -> list[str]:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.django_db(transaction=True)
def test_customers_cannot_read_each_others_objects_according_to_schemathesis(live_server, tmp_path):
    create_fuzz_users()
    ProductFactory()
    command = [
        *_schemathesis_command(),
        "run",
        f"{live_server.url}/api/v1/schema/?format=json",
        "--phases",
        "fuzzing,stateful",
        "--checks",
        "object_level_authorization,not_a_server_error",
        "--max-examples",
        "3",
        "--seed",
        "20261125",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(  # noqa: S603 - the pinned CLI from this virtualenv, fixed arguments
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert "Configuration:    " in result.stdout and "schemathesis.toml" in result.stdout, result.stdout[-3000:]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
