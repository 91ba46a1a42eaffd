"""`manage.py ensure_database` (run by `make run` before migrate): create a missing PostgreSQL database,
or stop with one line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from shop.core.database import database_ensure

NEW_DATABASE = "wt_api_ensure_database_check"


def ensure_database(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "on"}
    return subprocess.run(
        [sys.executable, "manage.py", "ensure_database"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_server_that_does_not_answer_stops_with_one_clear_line():
    result = ensure_database("postgres://postgres@127.0.0.1:1/shop")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "'shop' on 127.0.0.1:1 cannot be reached or created" in lines[0]
    assert "Connection refused" in lines[0]


def test_a_sqlite_file_that_cannot_be_opened_stops_with_one_clear_line(tmp_path):
    result = ensure_database(f"sqlite:///{tmp_path}/missing-dir/db.sqlite3")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: Cannot open the database {tmp_path}/missing-dir/db.sqlite3: unable to open database file"
    ]


@pytest.mark.django_db
def test_a_database_that_exists_is_left_alone():
    assert database_ensure(connection=connection) is False


def _database_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _drop(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


@pytest.fixture
def missing_database(django_db_blocker):
    """The URL of a database that does not exist on the test server; dropped again afterwards."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{NEW_DATABASE}"
    with django_db_blocker.unblock():
        _drop(NEW_DATABASE)
        yield url
        _drop(NEW_DATABASE)


@pytest.mark.postgres
def test_a_missing_postgres_database_is_created_when_the_server_answers(missing_database):
    first = ensure_database(missing_database)
    assert (first.returncode, first.stdout.strip()) == (0, f"Created the database {NEW_DATABASE}."), first.stderr
    assert _database_exists(NEW_DATABASE)
    again = ensure_database(missing_database)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
