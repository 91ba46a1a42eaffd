"""Make sure the configured database can be used before anything migrates it (`make run`).

A PostgreSQL database that does not exist yet is created when its server answers; anything else that
stops a connection becomes one `DatabaseUnavailable` sentence instead of a driver traceback.
"""

import warnings

from django.db import DatabaseError


class DatabaseUnavailable(Exception):
    pass


def database_ensure(*, connection) -> bool:
    """Connect to the database of `connection`, creating it first when the server answers and it is missing.

    Returns True when it created the database. Raises DatabaseUnavailable with one line saying why not.
    """
    try:
        connection.ensure_connection()
        return False
    except DatabaseError as exc:
        reason = _first_line(exc)
    if connection.vendor != "postgresql":
        raise DatabaseUnavailable(f"Cannot open the database {_describe(connection)}: {reason}")
    _create_when_missing(connection, reason)
    return True


def _create_when_missing(connection, reason: str) -> None:
    name = connection.settings_dict["NAME"]
    try:
        with warnings.catch_warnings():  # Django warns when the 'postgres' maintenance database is unreachable
            warnings.simplefilter("ignore", RuntimeWarning)
            with connection._nodb_cursor() as cursor:  # the same maintenance connection as the test runner's
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    raise DatabaseUnavailable(f"Cannot connect to the database {_describe(connection)}: {reason}")
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    except DatabaseError as exc:
        raise DatabaseUnavailable(
            f"The database {_describe(connection)} cannot be reached or created: {_first_line(exc)} "
            "(check DATABASE_URL and that PostgreSQL is running)"
        ) from None


def _describe(connection) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "default port"
    return f"{settings['NAME']!r} on {host}:{port}"


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
