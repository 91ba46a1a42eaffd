"""Background work of the back office: import and export jobs, the sweep of jobs whose worker died, and the
deletion of old jobs' files.
Thin: each task calls a service."""

from celery import shared_task
from django.conf import settings

from shop.backoffice.jobrun import job_run
from shop.backoffice.jobs import jobs_delete_stale_files, jobs_fail_stale


@shared_task(time_limit=settings.JOB_TIME_LIMIT, soft_time_limit=settings.JOB_TIME_LIMIT - 30)
def run_job(job_id: int, attempt: int) -> None:
    """One run (attempt) of a job. Delivered twice, the second finds the job no longer pending and fails it if
    it is still running (its worker died: see `job_claim`), or does nothing."""
    job_run(job_id=job_id, attempt=attempt)


@shared_task
def fail_stale_jobs() -> int:
    """Running jobs without a heartbeat for JOB_STALE_MINUTES are failed, with the reason."""
    return jobs_fail_stale()


@shared_task
def delete_stale_job_files() -> int:
    """The files of jobs that ended more than JOB_FILES_RETENTION_DAYS ago (their rows stay, marked)."""
    return jobs_delete_stale_files()
