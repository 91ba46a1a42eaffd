"""bench.settings with persistent database connections on SQLite too (CONN_MAX_AGE=60): no reconnect and no
PRAGMA init_command per request."""

from bench.settings import *  # noqa: F403
from bench.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
