"""A job's files (its upload, its export) are deleted JOB_FILES_RETENTION_DAYS after it ended, by beat; the job's
row stays, marked, and can no longer be confirmed or retried. Idempotent and safe with two runs at once."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from shop.backoffice import jobs, tasks
from shop.backoffice.models import Job
from shop.core.exceptions import Conflict
from tests.admin.helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _retention(settings, tmp_path):
    settings.JOB_FILES_RETENTION_DAYS = 7
    settings.MEDIA_ROOT = tmp_path


def ended_job(*, days_ago: float, state=Job.State.DONE, kind=Job.Kind.EXPORT, by=None) -> Job:
    job = Job(
        kind=kind, step=Job.Step.EXPORT if kind == Job.Kind.EXPORT else Job.Step.PREVIEW, state=state,
        model="catalog.product", resource="shop.catalog.resources.ProductResource", file_format="ShopCSV",
        finished_at=timezone.now() - timedelta(days=days_ago), created_by=by,
    )  # fmt: skip
    stored = job.result if kind == Job.Kind.EXPORT else job.file
    stored.save("product.csv", ContentFile(b"sku\nA-1\n"), save=False)
    job.save()
    return job


def test_files_of_jobs_ended_longer_ago_than_the_retention_are_deleted_and_the_rows_marked():
    old_export = ended_job(days_ago=8)
    old_preview = ended_job(days_ago=8, state=Job.State.PREVIEWED, kind=Job.Kind.IMPORT)
    recent = ended_job(days_ago=6)
    names = {job.pk: (job.file or job.result).name for job in (old_export, old_preview, recent)}

    assert tasks.delete_stale_job_files.apply(throw=True).get() == 2

    for job in (old_export, old_preview):
        job.refresh_from_db()
        assert job.files_deleted_at is not None and not job.file and not job.result
        assert not default_storage.exists(names[job.pk])
    recent.refresh_from_db()
    assert recent.files_deleted_at is None and default_storage.exists(names[recent.pk])


def test_running_and_pending_jobs_keep_their_files_however_old():
    job = ended_job(days_ago=30, state=Job.State.RUNNING, kind=Job.Kind.IMPORT)
    Job.objects.filter(pk=job.pk).update(state=Job.State.PENDING)
    ended_job(days_ago=30, state=Job.State.RUNNING, kind=Job.Kind.IMPORT)
    assert jobs.jobs_delete_stale_files() == 0
    assert not Job.objects.filter(files_deleted_at__isnull=False).exists()


def test_deleting_job_files_twice_changes_nothing_the_second_time():
    job = ended_job(days_ago=8)
    assert jobs.jobs_delete_stale_files() == 1
    marked_at = Job.objects.get(pk=job.pk).files_deleted_at
    assert jobs.jobs_delete_stale_files() == 0
    assert Job.objects.get(pk=job.pk).files_deleted_at == marked_at


def test_a_second_machine_deleting_the_same_files_at_once_counts_nothing_and_does_not_fail(monkeypatch):
    """The other run read the same jobs, deleted their files and marked them just before this run's update."""
    job = ended_job(days_ago=8)
    real_iterator = type(Job.objects.all()).iterator

    def other_machine_first(queryset, *args, **kwargs):
        rows = list(real_iterator(queryset, *args, **kwargs))
        default_storage.delete(job.result.name)
        Job.objects.filter(pk=job.pk).update(files_deleted_at=timezone.now(), result="")
        return iter(rows)

    monkeypatch.setattr(type(Job.objects.all()), "iterator", other_machine_first)
    assert jobs.jobs_delete_stale_files() == 0


def test_a_file_already_missing_is_no_error():
    job = ended_job(days_ago=8)
    default_storage.delete(job.result.name)
    assert jobs.jobs_delete_stale_files() == 1


def test_a_previewed_import_whose_file_was_deleted_cannot_be_confirmed(admin_client, superuser):
    job = ended_job(days_ago=8, state=Job.State.PREVIEWED, kind=Job.Kind.IMPORT, by=superuser)
    jobs.jobs_delete_stale_files()
    job.refresh_from_db()
    with pytest.raises(Conflict, match="deleted"):
        jobs.job_confirm(job=job, by=superuser)
    page = admin_client.get(reverse("admin:backoffice_job_change", args=[job.pk]))
    assert b"Confirm import" not in page.content and b"Deleted after 7 days" in page.content
    response = admin_client.post(reverse("admin:backoffice_job_confirm", args=[job.pk]))
    assert any("upload the file again" in message for message in messages_of(response))
    job.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.PREVIEWED, 1)


def test_a_failed_import_whose_file_was_deleted_cannot_be_retried(superuser):
    job = ended_job(days_ago=8, state=Job.State.FAILED, kind=Job.Kind.IMPORT, by=superuser)
    jobs.jobs_delete_stale_files()
    job.refresh_from_db()
    with pytest.raises(Conflict, match="deleted"):
        jobs.job_retry(job=job, by=superuser)
