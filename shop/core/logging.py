"""Structured logs: one JSON object per line, each carrying the trace id of the request being handled.

`LOG_FORMAT=json` (the default when DEBUG is off) formats records with `JsonFormatter`; `plain` keeps a
human format. The trace id lives in a context variable set by `shop.core.middleware.TraceIdMiddleware`,
so every record written while a request is handled carries it, whether our code, Django or a library
wrote it. Fields passed with `extra=` become top-level keys of the JSON object.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

trace_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Extras that are objects, not data (Django's `django.request` logger passes the request itself).
_SKIPPED_EXTRAS = frozenset({"request", "trace_id"})


def _trace_id_of(record: logging.LogRecord) -> str | None:
    return trace_id_var.get() or getattr(getattr(record, "request", None), "trace_id", None)


class TraceIdFilter(logging.Filter):
    """Sets `record.trace_id` unless the caller passed one: the current request's, or that of the request
    the record names (Django logs 4xx/5xx answers on `django.request` after the middleware has finished)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "trace_id", None) is None:
            record.trace_id = _trace_id_of(record)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", None) or _trace_id_of(record),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in _SKIPPED_EXTRAS:
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, ensure_ascii=False)
