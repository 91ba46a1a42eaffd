"""Who is acting and through which door, for the audit entries written meanwhile.

A request is wrapped by `AuditMiddleware`: `/admin/` is `admin` (the import-export views `import`), every
other path `api`. The actor is read from the request when an entry is written, not when the request
arrives: DRF authenticates a JWT inside the view and then sets `request.user` on the Django request too, so
API writes get their user although Django's middleware saw an anonymous one. A Celery task is `task`,
on a worker or run in-process after a request's commit. Otherwise the source is the process's own (`shell`
or `command`) unless code declares it with `audit_context()`.
The import preview writes no entries: its transaction is rolled back anyway, and the audit work would only
double the import's cost.
"""

import contextlib
import inspect
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from auditlog.context import auditlog_disabled
from celery import signals
from django.db import models
from django.utils.functional import SimpleLazyObject, empty

from shop.core.logging import trace_id_var

ADMIN_PREFIX = "/admin/"
IMPORT_PREVIEW, IMPORT_CONFIRM = "_import", "_process_import"  # ends of django-import-export's admin url names
SHELL_COMMANDS = frozenset({"shell", "shell_plus"})


class Source(models.TextChoices):
    ADMIN = "admin", "Admin"
    API = "api", "API"
    IMPORT = "import", "Import"
    SHELL = "shell", "Shell"
    COMMAND = "command", "Command"
    TASK = "task", "Task"


@dataclass
class AuditScope:
    source: str
    actor: object = None  # a user, or None: then the request's user (if any) acts
    request: object = None


_scope: ContextVar[AuditScope | None] = ContextVar("audit_scope", default=None)


def process_source(argv=None) -> str:
    """The source of work done outside any request: a Celery worker, `manage.py shell` or another command."""
    argv = sys.argv if argv is None else argv
    program = Path(argv[0]).name if argv else ""
    if program.startswith("celery"):
        return Source.TASK
    if len(argv) > 1 and argv[1] in SHELL_COMMANDS:
        return Source.SHELL
    return Source.COMMAND


@contextlib.contextmanager
def audit_context(*, source: str, actor=None, request=None):
    """Entries written inside are stamped with `source` and `actor` (e.g. a task importing for a user)."""
    token = _scope.set(AuditScope(source=Source(source), actor=actor, request=request))
    try:
        yield
    finally:
        _scope.reset(token)


def current_source() -> str:
    scope = _scope.get()
    return scope.source if scope else process_source()


def current_actor():
    """The acting user or None. A request's user is only read if something already resolved it (the admin,
    DRF's authentication), so stamping an entry never costs a session query of its own."""
    scope = _scope.get()
    if scope is None:
        return None
    if scope.actor is not None:
        return scope.actor
    user = scope.request.__dict__.get("user") if scope.request is not None else None
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user if user is not None and user.is_authenticated else None


def request_source(request) -> str:
    return Source.ADMIN if request.path.startswith(ADMIN_PREFIX) else Source.API


class AuditMiddleware:
    """Sets the audit scope of each request (after AuthenticationMiddleware); the import-export admin views
    switch it to `import` once the URL is resolved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(source=request_source(request), request=request):
            try:
                return self.get_response(request)
            finally:
                if getattr(request, "_audit_off", None) is not None:
                    auditlog_disabled.reset(request._audit_off)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = _scope.get()
        url_name = getattr(request.resolver_match, "url_name", "") or ""
        if scope is None or scope.source != Source.ADMIN or not url_name.endswith((IMPORT_PREVIEW, IMPORT_CONFIRM)):
            return None
        scope.source = Source.IMPORT
        model_admin = getattr(inspect.unwrap(view_func), "__self__", None)  # import-export's views are its methods
        skips_confirm = getattr(model_admin, "is_skip_import_confirm_enabled", lambda: True)()
        if not url_name.endswith(IMPORT_CONFIRM) and not skips_confirm:
            request._audit_off = auditlog_disabled.set(True)  # a dry run, rolled back whatever it writes
        return None


def correlation_id() -> str | None:
    """AUDITLOG_CID_GETTER: an entry's correlation id is the trace id of the request (or None)."""
    return trace_id_var.get()


_task_tokens = {}


@signals.task_prerun.connect(dispatch_uid="audit_task_scope")
def _enter_task(task_id=None, **kwargs):
    _task_tokens[task_id] = _scope.set(AuditScope(source=Source.TASK))


@signals.task_postrun.connect(dispatch_uid="audit_task_scope_end")
def _leave_task(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _scope.reset(token)
