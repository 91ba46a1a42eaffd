"""Import and export jobs: their life (create, claim, finish, fail, confirm, retry, the stale sweep) and how
their starter is told. The work itself is in `jobrun.py`; the admin, the tasks and beat call these.

Progress and a heartbeat live in the `jobs` cache (Redis, or a file cache shared by the machine's
processes), not in the job's row: an import writes everything in one transaction, and its row would only
show the progress once it is over. A job `running` with no heartbeat for JOB_STALE_MINUTES has lost its
worker (killed, out of memory, machine gone): the sweep fails it, and since its work was one transaction
that died with the worker's connection, nothing of it is left. Every change of state is a guarded update
(`state` and `attempt` as read), so the sweep, a task delivered twice and a retry cannot overtake each other:
the one that loses changes nothing. A job's end is written in the transaction of its work (`job_finish`),
so an import is never committed with its job still `running`. A job's files are in the default storage (MEDIA_ROOT
or object storage), where every web and worker process of every machine finds them, and are deleted
JOB_FILES_RETENTION_DAYS after it ended (`jobs_delete_stale_files`, beat).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from shop.backoffice.models import Job
from shop.core.background import enqueue
from shop.core.exceptions import Conflict

logger = logging.getLogger(__name__)

PROGRESS_ROWS = 500  # rows between two progress notes
PROGRESS_SECONDS = 5  # at most this long between two heartbeats while rows go by
ROW_ERRORS_KEPT = 100
ENDED = (Job.State.DONE, Job.State.FAILED, Job.State.PREVIEWED)
FILES_GONE = "The job's file was deleted when its retention period ended; upload the file again to start a new job."
WORKER_LOST = (
    "The worker running this job stopped (killed, restarted or out of memory) before it finished; everything "
    "it had written was rolled back. Retry it."
)


def _cache():
    return caches["jobs"]


def _progress_key(job: Job) -> str:
    return f"job:{job.pk}:{job.attempt}"


def job_progress(*, job: Job) -> dict:
    """{"done": rows, "total": rows, "at": unix time of the last heartbeat} of a running job ({} if none yet)."""
    return _cache().get(_progress_key(job)) or {}


class Progress:
    """The callable a run hands to the import (`progress=`): notes rows done every PROGRESS_ROWS rows or
    PROGRESS_SECONDS, whichever comes first; each note is also the job's heartbeat."""

    def __init__(self, job: Job, total: int):
        self.job, self.total, self.noted, self.noted_at = job, total, -1, 0.0

    def __call__(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or done - self.noted >= PROGRESS_ROWS or now - self.noted_at >= PROGRESS_SECONDS:
            self.noted, self.noted_at = done, now
            note = {"done": min(done, self.total), "total": self.total, "at": time.time()}
            _cache().set(_progress_key(self.job), note, timeout=settings.JOB_STALE_MINUTES * 60 * 4)


# --- Creating and moving on -------------------------------------------------------------------------


def _dotted(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@transaction.atomic
def job_import_create(*, by, model, resource_class, file_format, upload, rows: int) -> Job:
    """Keep the uploaded file and queue its preview (the file is read again by the worker)."""
    job = Job(
        kind=Job.Kind.IMPORT, step=Job.Step.PREVIEW, model=model._meta.label_lower, resource=_dotted(resource_class),
        file_format=type(file_format).__name__, file_name=upload.name[:255], total_rows=rows, created_by=by,
    )  # fmt: skip
    job.file.save(f"{model._meta.model_name}.{file_format.get_extension()}", upload, save=False)
    job.save()
    _send(job)
    return job


@transaction.atomic
def job_export_create(*, by, model, resource_class, file_format, pks: list, export_fields=None) -> Job:
    """Queue the export of the rows `pks` (the admin's filtered list, in its order)."""
    job = Job.objects.create(
        kind=Job.Kind.EXPORT, step=Job.Step.EXPORT, model=model._meta.label_lower, resource=_dotted(resource_class),
        file_format=type(file_format).__name__, selection=list(pks), export_fields=list(export_fields or []),
        total_rows=len(pks), created_by=by,
    )  # fmt: skip
    _send(job)
    return job


def _send(job: Job) -> None:
    from shop.backoffice.tasks import run_job  # tasks import this module

    enqueue(run_job, job_id=job.pk, attempt=job.attempt)


@transaction.atomic
def job_confirm(*, job: Job, by) -> Job:
    """The staff member read the preview and confirms: the import runs (and is checked again, row by row)."""
    return _restart(
        job, from_state=Job.State.PREVIEWED, step=Job.Step.IMPORT, refusal="Only a previewed import can be confirmed."
    )


@transaction.atomic
def job_retry(*, job: Job, by) -> Job:
    """Run a failed job's step again, from the start."""
    return _restart(job, from_state=Job.State.FAILED, step=job.step, refusal="Only a failed job can be retried.")


def _restart(job: Job, *, from_state: str, step: str, refusal: str) -> Job:
    """A guarded update; a job whose files were deleted (`jobs_delete_stale_files`) is not restarted."""
    guard = {"pk": job.pk, "state": from_state, "attempt": job.attempt, "files_deleted_at__isnull": True}
    restarted = Job.objects.filter(**guard).update(
        state=Job.State.PENDING, step=step, attempt=F("attempt") + 1, rows_done=0, reason="", totals={},
        row_errors=[], started_at=None, finished_at=None, seen_at=None,
    )  # fmt: skip
    job.refresh_from_db()
    if not restarted:
        raise Conflict(FILES_GONE if job.files_deleted_at else refusal)
    _send(job)
    return job


# --- A run's start and end ---------------------------------------------------------------------------


def job_claim(*, job_id: int, attempt: int) -> Job | None:
    """`pending` → `running` for this attempt; None when there is nothing to run. A task delivered again after
    its worker died finds its job still `running`: the run it belonged to is lost, so the job fails."""
    if Job.objects.filter(pk=job_id, attempt=attempt, state=Job.State.PENDING).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    ):
        job = Job.objects.get(pk=job_id)
        Progress(job, job.total_rows)(0, force=True)
        return job
    job_fail(job_id=job_id, attempt=attempt, reason=WORKER_LOST)
    return None


def job_finish(*, job: Job, state: str, totals: dict | None = None, row_errors=(), reason: str = "", **fields) -> bool:
    """Write the end of a run, in the transaction of its work; False if the job is no longer this run's
    (the sweep failed it meanwhile): the caller must then roll its work back."""
    finished = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=Job.State.RUNNING).update(
        state=state, totals=totals or {}, row_errors=list(row_errors)[:ROW_ERRORS_KEPT], reason=reason,
        rows_done=job.total_rows if state != Job.State.FAILED else 0, finished_at=timezone.now(), **fields,
    )  # fmt: skip
    if finished:
        transaction.on_commit(lambda: job_notify(job_id=job.pk))
    return bool(finished)


def job_fail(*, job_id: int, attempt: int, reason: str) -> bool:
    failed = Job.objects.filter(pk=job_id, attempt=attempt, state=Job.State.RUNNING).update(
        state=Job.State.FAILED, reason=reason, rows_done=0, finished_at=timezone.now()
    )
    if failed:
        transaction.on_commit(lambda: job_notify(job_id=job_id))
    return bool(failed)


def jobs_fail_stale(*, now=None) -> int:
    """Fail the running jobs whose worker has given no sign of life for JOB_STALE_MINUTES (beat runs this).
    Safe twice or on two machines: each failure is a guarded update."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    failed = 0
    for job in Job.objects.filter(state=Job.State.RUNNING, started_at__lt=cutoff).only("pk", "attempt"):
        beat = job_progress(job=job).get("at")
        if beat is None or beat < cutoff.timestamp():
            failed += job_fail(job_id=job.pk, attempt=job.attempt, reason=WORKER_LOST)
    return failed


def jobs_delete_stale_files(*, now=None) -> int:
    """Delete the files of the jobs that ended more than JOB_FILES_RETENTION_DAYS ago (beat runs this); returns
    how many jobs lost their files. The job's row stays, its file fields emptied and `files_deleted_at` set.

    Each job is marked first, in a guarded update (its state and attempt as read, not marked yet): of two runs
    at once (two machines), or of a run and a confirm or retry of the same job, exactly one wins, and a marked
    job can no longer be restarted. The winner then deletes the files; one already gone is no error. A run
    killed between the mark and the deletion leaves a file behind, never a job pointing at a missing file.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOB_FILES_RETENTION_DAYS)
    stale = Job.objects.filter(state__in=ENDED, finished_at__lt=cutoff, files_deleted_at__isnull=True)
    storage = Job._meta.get_field("file").storage
    emptied = 0
    for job in stale.exclude(file="", result="").only("pk", "state", "attempt", "file", "result").iterator():
        names = [stored.name for stored in (job.file, job.result) if stored]
        guard = {"pk": job.pk, "state": job.state, "attempt": job.attempt, "files_deleted_at__isnull": True}
        if Job.objects.filter(**guard).update(files_deleted_at=now, file="", result=""):
            for name in names:
                storage.delete(name)
            emptied += 1
    return emptied


# --- Telling the starter -----------------------------------------------------------------------------


def job_summary(job: Job) -> str:
    name = job.file_name or job.model
    if job.state == Job.State.FAILED:
        return f"{job.get_kind_display()} of {name} failed: {job.reason}"
    if job.state == Job.State.PREVIEWED:
        counts = ", ".join(f"{n:,} {kind}" for kind, n in job.totals.items() if n)
        return f"Preview of {name} is ready ({counts}): confirm it to import."
    if job.kind == Job.Kind.EXPORT:
        return f"Export of {job.total_rows:,} {job.model} rows is ready to download."
    counts = ", ".join(f"{n:,} {kind}" for kind, n in job.totals.items() if n)
    return f"Import of {name} is done ({counts})."


def job_url(job: Job) -> str:
    return settings.BACKOFFICE_URL.rstrip("/") + reverse("admin:backoffice_job_change", args=[job.pk])


def job_notify(*, job_id: int) -> None:
    """Mail the starter that the job needs them (previewed) or is over (done, failed). The admin also tells
    them on their next visit of the dashboard (`jobs_announce`)."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.created_by is None or not job.created_by.email:
        return
    try:
        send_mail(
            subject=f"[shop] {job.get_kind_display()} job #{job.pk}: {job.get_state_display()}",
            message=f"{job_summary(job)}\n\n{job_url(job)}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[job.created_by.email],
        )
    except OSError:  # the mail server is down: the dashboard still tells them
        logger.exception("job mail could not be sent", extra={"job": job.pk})


def jobs_announce(*, request) -> int:
    """Add an admin message for each of the user's jobs that ended since they last looked; returns how many."""
    unseen = list(
        Job.objects.filter(
            created_by=request.user,
            seen_at__isnull=True,
            state__in=(Job.State.DONE, Job.State.FAILED, Job.State.PREVIEWED),
        )
    )
    for job in unseen:
        level = messages.ERROR if job.state == Job.State.FAILED else messages.SUCCESS
        messages.add_message(request, level, f"Job #{job.pk}: {job_summary(job)}")
    if unseen:
        Job.objects.filter(pk__in=[job.pk for job in unseen]).update(seen_at=timezone.now())
    return len(unseen)
