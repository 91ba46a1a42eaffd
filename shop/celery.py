"""The Celery app: `celery -A shop worker` runs the tasks, `celery -A shop beat` the schedule.

Its configuration is the `CELERY_*` block of shop/settings.py. With no broker configured every task runs
in-process right after the enqueuing transaction commits (`task_always_eager`, see shop/core/background.py),
so the web process needs no worker. Workers log through Django's LOGGING (JSON lines), and every record
written while a task runs carries the trace id of the request that enqueued it (or the task id).
"""

import os

from celery import Celery, signals

from shop.core.logging import trace_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_trace_tokens = {}


@signals.setup_logging.connect
def _keep_django_logging(**kwargs):
    """A receiver stops Celery from replacing the root logger: Django's LOGGING is already in place."""


@signals.worker_init.connect
@signals.beat_init.connect
def _require_a_broker(sender=None, **kwargs):
    """A worker or beat without a broker would quietly wait on Celery's default (AMQP on localhost)."""
    if not sender.app.conf.broker_url:
        # SystemExit: Celery's signal dispatch logs and swallows any Exception a receiver raises.
        raise SystemExit(
            "No broker: set CELERY_BROKER_URL or REDIS_URL. Without one, tasks run in-process after the "
            "request's commit and no worker or beat is needed."
        )


@signals.task_prerun.connect
def _bind_trace_id(task_id=None, task=None, **kwargs):
    request = task.request
    trace_id = getattr(request, "trace_id", None) or (request.headers or {}).get("trace_id")
    _trace_tokens[task_id] = trace_id_var.set(trace_id or task_id)


@signals.task_postrun.connect
def _unbind_trace_id(task_id=None, **kwargs):
    token = _trace_tokens.pop(task_id, None)
    if token is not None:
        trace_id_var.reset(token)
