"""`manage.py ensure_local_admin` (run by `make run`): the printed login always opens this database's admin."""

import io
import json
import re

import pytest
from django.core.management import call_command

from shop.accounts.management.commands import ensure_local_admin
from shop.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "admin@shop.local"


@pytest.fixture
def login_file(tmp_path, monkeypatch, settings):
    settings.DEBUG = True
    path = tmp_path / ".admin-login"
    monkeypatch.setattr(ensure_local_admin, "LOGIN_FILE", path)
    return path


def run() -> str:
    out = io.StringIO()
    call_command("ensure_local_admin", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(rf"Admin login: {re.escape(EMAIL)} / (\S+)", output)
    assert match, output
    return match.group(1)


def assert_login_works(password: str) -> None:
    admin = User.objects.get(email=EMAIL)
    assert admin.check_password(password)
    assert (admin.is_active, admin.is_staff, admin.is_superuser) == (True, True, True)


def test_creates_the_local_admin_and_remembers_its_login_for_this_database(login_file):
    password = printed_password(run())
    assert_login_works(password)
    assert json.loads(login_file.read_text()) == {ensure_local_admin.database_key(): password}
    assert login_file.stat().st_mode & 0o777 == 0o600


def test_prints_the_same_login_on_the_next_run(login_file):
    first = printed_password(run())
    assert printed_password(run()) == first
    assert_login_works(first)


def test_a_login_remembered_from_another_database_is_replaced_by_one_that_works(login_file):
    """The old `.admin-login` belonged to the checkout: after switching DATABASE_URL it printed the other
    database's password. The local admin of this database now gets a password that works here."""
    User.objects.create_superuser(EMAIL, "set-on-this-database-elsewhere")
    login_file.write_text(f"{EMAIL} password-of-the-other-database\n")
    output = run()
    password = printed_password(output)
    assert password != "password-of-the-other-database"
    assert "did not work on this database" in output
    assert_login_works(password)


def test_each_database_keeps_its_own_login(login_file):
    User.objects.create_superuser(EMAIL, "this-databases-password")
    logins = {
        "postgresql://127.0.0.1:5432/elsewhere": "elsewhere-password",
        ensure_local_admin.database_key(): "this-databases-password",
    }
    login_file.write_text(json.dumps(logins))
    assert printed_password(run()) == "this-databases-password"
    assert json.loads(login_file.read_text()) == logins


def test_a_legacy_login_that_still_works_is_kept(login_file):
    User.objects.create_superuser(EMAIL, "still-the-right-one")
    login_file.write_text(f"{EMAIL} still-the-right-one\n")
    assert printed_password(run()) == "still-the-right-one"
    assert json.loads(login_file.read_text()) == {ensure_local_admin.database_key(): "still-the-right-one"}


def test_another_superuser_is_never_touched(login_file):
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    output = run()
    assert "A superuser already exists" in output
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)
    assert not User.objects.filter(email=EMAIL).exists()
    assert not login_file.exists()


def test_nothing_happens_with_debug_off(login_file, settings):
    settings.DEBUG = False
    assert "DEBUG is off" in run()
    assert not User.objects.filter(email=EMAIL).exists()
    assert not login_file.exists()
