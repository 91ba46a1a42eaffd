"""Reads what the configured console handler writes, parsed as JSON lines (LOG_FORMAT=json in tests)."""

import io
import json
import logging
from contextlib import contextmanager

from shop.core.logging import JsonFormatter


class CapturedLines(list):
    def of(self, logger_name: str) -> list[dict]:
        return [line for line in self if line["logger"] == logger_name]


@contextmanager
def captured_json_logs():
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    lines = CapturedLines()
    try:
        yield lines
    finally:
        handler.setStream(previous)
        lines.extend(json.loads(raw) for raw in buffer.getvalue().splitlines() if raw.strip())
