"""Building blocks of the data generator: the clock, batching, a terminal progress bar, frozen timestamps."""

import contextlib
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from django.db import connection, models, transaction

# Every generated timestamp is derived from this instant, so a seed always gives the same rows.
BASE_DATE = datetime(2025, 1, 1, tzinfo=UTC)
CATALOG_SPAN = timedelta(days=300)  # products appear over BASE-730d .. BASE-430d
CATALOG_START = BASE_DATE - timedelta(days=730)
SALES_SPAN = timedelta(days=365)  # orders are placed over BASE-365d .. BASE
SALES_START = BASE_DATE - SALES_SPAN


def spread(start: datetime, span: timedelta, index: int, count: int) -> datetime:
    """The `index`-th of `count` instants spaced evenly over `span` from `start` (whole seconds)."""
    seconds = int(span.total_seconds() * index / max(count, 1))
    return start + timedelta(seconds=seconds)


def chunked(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def insert(model: type[models.Model], objs: Sequence[models.Model], batch_size: int) -> None:
    """bulk_create that fills in the primary keys (RETURNING: PostgreSQL, SQLite >= 3.35)."""
    if objs:
        model.objects.bulk_create(objs, batch_size=batch_size)


def require_returning_ids() -> None:
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("generate_data needs a database that returns ids from bulk inserts (SQLite >= 3.35).")


@contextlib.contextmanager
def frozen_timestamps(*model_classes: type[models.Model]):
    """Let bulk_create keep the timestamps we set instead of stamping `now()`.

    `auto_now`/`auto_now_add` fields overwrite any value on insert; the generator sets them from
    BASE_DATE for determinism, so the flags are switched off for the duration and restored after.
    Process-local: only the generating command is affected.
    """
    saved = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Progress:
    """A one-line progress bar on a stream (`None` draws nothing). Redraws at most 10 times a second."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.stream = label, total, stream
        self.done, self.started, self.drawn_at = 0, time.perf_counter(), 0.0
        # Redraw while running only on a terminal; a log file gets the final line alone.
        self.live = stream is not None and getattr(stream, "isatty", lambda: False)()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if self.live and (now - self.drawn_at >= 0.1 or self.done >= self.total):
            self.drawn_at = now
            self._draw(now)

    def finish(self) -> float:
        elapsed = time.perf_counter() - self.started
        if self.stream is not None:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
        return elapsed

    def _draw(self, now: float) -> None:
        if self.stream is None:
            return
        share = self.done / self.total if self.total else 1.0
        filled = int(self.WIDTH * share)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"\r{self.label:<11} [{bar}] {self.done:>8}/{self.total:<8} {now - self.started:6.1f}s"
        self.stream.write(line)
        self.stream.flush()


def batch_transaction():
    """One transaction per batch: a failure loses at most the batch being written."""
    return transaction.atomic()
