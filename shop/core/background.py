"""`enqueue`: the one way code hands work to a Celery task.

The task is sent only once the current transaction commits (`transaction.on_commit`; outside a transaction,
at once), so a worker never sees rows that a rollback takes back and never misses rows not yet committed.
With a broker a worker runs it; without one (`task_always_eager`, the embedded default) it runs here,
in-process, right after the commit. Either way the caller is never broken by it: a broker that cannot be
reached or an in-process task that raises is logged (`celery.app.trace` logs the task's own failure) and
the request that enqueued the work answers as if the broker had taken it.
"""

import logging
from functools import partial

from celery import Task
from django.db import transaction
from kombu import serialization

from shop.core.logging import trace_id_var

logger = logging.getLogger(__name__)


def enqueue(task: Task, /, **kwargs) -> None:
    """Run `task(**kwargs)` in the background after the current transaction commits.

    The request's trace id travels with the task, so the worker's log lines carry it. A worker's log lines
    name the arguments but never show their values (an email address is personal data).
    """
    transaction.on_commit(partial(_send, task, kwargs, trace_id_var.get()), robust=True)


def _send(task: Task, kwargs: dict, trace_id: str | None) -> None:
    headers = {"trace_id": trace_id} if trace_id else None
    try:
        if task.app.conf.task_always_eager:
            task.apply(kwargs=_as_a_worker_gets_them(task, kwargs), headers=headers)
        else:
            task.apply_async(kwargs=kwargs, headers=headers, kwargsrepr=repr(sorted(kwargs)))
    except Exception:  # broker down, or arguments a worker could not be sent: the work is lost, say so loudly
        logger.exception("task %s could not be enqueued", task.name, extra={"task": task.name})


def _as_a_worker_gets_them(task: Task, kwargs: dict) -> dict:
    """The arguments through the task serializer and back, so in-process runs fail where a worker's would
    (a model instance instead of its id, say). Celery's own eager path would also open a broker producer."""
    content_type, encoding, data = serialization.dumps(kwargs, task.app.conf.task_serializer)
    return serialization.loads(data, content_type, encoding, accept=[content_type])
