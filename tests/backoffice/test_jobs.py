"""Imports and exports over IMPORT_SYNC_MAX_ROWS rows run as jobs: previewed, confirmed, all or nothing, their
starter told, a dead worker's job failed with the reason and retried with a button, exports downloaded."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.backoffice import jobrun, jobs
from shop.backoffice.models import Job
from shop.catalog import resources as catalog_resources
from shop.catalog.models import Product, StockMovement
from tests.admin.helpers import messages_of
from tests.admin.test_import_export import CSV, HEADER, XLSX, export, preview
from tests.factories import CategoryFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

ROWS = 5


@pytest.fixture(autouse=True)
def _small_sync_limit(settings):
    settings.IMPORT_SYNC_MAX_ROWS = 3


def products_csv(count=ROWS, bad_row=None) -> str:
    lines = [f"J-{n},j-{n},Job thing {n},,{n + 1}.50,,{n + 2},1,shoes" for n in range(count)]
    if bad_row is not None:
        lines[bad_row] = "J-BAD,j-bad,Bad,,-4,,x,1,nope"
    return HEADER + "\n".join(lines) + "\n"


def start(client, content, run):
    with run(execute=True):
        response = preview(client, Product, content)
    assert response.status_code == 302, response.content[:500]
    return response, Job.objects.get()


def post(client, name, job, run):
    with run(execute=True):
        return client.post(reverse(f"admin:backoffice_job_{name}", args=[job.pk]))


def test_a_large_file_is_previewed_by_a_job_and_nothing_is_written(admin_client, django_capture_on_commit_callbacks):
    CategoryFactory(slug="shoes")
    response, job = start(admin_client, products_csv(), django_capture_on_commit_callbacks)
    assert response.url == reverse("admin:backoffice_job_change", args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.total_rows, job.totals["new"]) == (Job.State.PREVIEWED, ROWS, ROWS)
    assert not Product.objects.exists()
    assert "confirm it to import" in mail.outbox[-1].body


def test_confirming_imports_every_row_with_the_ledger_and_the_audit(
    admin_client, superuser, django_capture_on_commit_callbacks
):
    CategoryFactory(slug="shoes")
    _, job = start(admin_client, products_csv(), django_capture_on_commit_callbacks)
    response = post(admin_client, "confirm", job, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.totals["new"]) == (Job.State.DONE, ROWS, ROWS)
    assert Product.objects.count() == ROWS
    assert StockMovement.objects.filter(reason=StockMovement.Reason.IMPORT, user=superuser).count() == ROWS
    entry = LogEntry.objects.filter(action=LogEntry.Action.CREATE).first()
    assert (entry.actor, entry.additional_data["source"]) == (superuser, "import")
    assert "is done (5 new" in mail.outbox[-1].body


def test_a_file_with_a_bad_row_fails_its_preview_listing_the_row_and_cannot_be_confirmed(
    admin_client, django_capture_on_commit_callbacks
):
    CategoryFactory(slug="shoes")
    _, job = start(admin_client, products_csv(bad_row=3), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert any(line.startswith("row 4: categories: No category with slug nope") for line in job.row_errors)
    response = post(admin_client, "confirm", job, django_capture_on_commit_callbacks)
    assert "Only a previewed import can be confirmed." in messages_of(response)
    assert not Product.objects.exists()


def test_an_import_that_breaks_midway_leaves_nothing_and_says_why(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    CategoryFactory(slug="shoes")
    monkeypatch.setattr(catalog_resources.ProductResource.Meta, "batch_size", 2)  # read by the job's resource
    _, job = start(admin_client, products_csv(), django_capture_on_commit_callbacks)
    real, calls = catalog_resources.products_save_many, []

    def dies_on_the_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("out of memory")
        return real(**kwargs)

    monkeypatch.setattr(catalog_resources, "products_save_many", dies_on_the_second_batch)
    post(admin_client, "confirm", job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.reason) == (Job.State.FAILED, "MemoryError: out of memory")
    assert not Product.objects.exists()


def test_a_job_failed_by_the_sweep_while_it_runs_rolls_its_import_back(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    CategoryFactory(slug="shoes")
    _, job = start(admin_client, products_csv(), django_capture_on_commit_callbacks)
    real_progress = jobs.Progress.__call__

    def swept_midway(self, done, **kwargs):
        if done == 3:
            jobs.job_fail(job_id=self.job.pk, attempt=self.job.attempt, reason=jobs.WORKER_LOST)
        return real_progress(self, done, **kwargs)

    monkeypatch.setattr(jobs.Progress, "__call__", swept_midway)
    post(admin_client, "confirm", job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.reason) == (Job.State.FAILED, jobs.WORKER_LOST)
    assert not Product.objects.exists()


def running_job(started_minutes_ago: int) -> Job:
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, step=Job.Step.IMPORT, state=Job.State.RUNNING, model="catalog.product",
        resource="shop.catalog.resources.ProductResource", file_format="ShopCSV", total_rows=10,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )  # fmt: skip
    return job


def test_the_sweep_fails_running_jobs_without_a_heartbeat_only(settings):
    settings.JOB_STALE_MINUTES = 5
    silent, beating, young = running_job(10), running_job(10), running_job(1)
    jobs.Progress(beating, 10)(4, force=True)
    assert jobs.jobs_fail_stale() == 1
    states = dict(Job.objects.values_list("pk", "state"))
    assert states == {silent.pk: Job.State.FAILED, beating.pk: Job.State.RUNNING, young.pk: Job.State.RUNNING}
    silent.refresh_from_db()
    assert silent.reason == jobs.WORKER_LOST


def test_a_task_delivered_again_after_its_worker_died_fails_the_job_instead_of_running_twice():
    job = running_job(1)
    jobrun.job_run(job_id=job.pk, attempt=job.attempt)
    job.refresh_from_db()
    assert (job.state, job.reason) == (Job.State.FAILED, jobs.WORKER_LOST)


def test_retry_runs_a_failed_job_again(admin_client, django_capture_on_commit_callbacks):
    _, job = start(admin_client, products_csv(), django_capture_on_commit_callbacks)  # no category "shoes" yet
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    CategoryFactory(slug="shoes")
    post(admin_client, "retry", job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.attempt, job.row_errors) == (Job.State.PREVIEWED, 2, [])


def test_the_dashboard_tells_the_starter_once(admin_client, django_capture_on_commit_callbacks):
    CategoryFactory(slug="shoes")
    start(admin_client, products_csv(), django_capture_on_commit_callbacks)
    first = admin_client.get(reverse("admin:index"))
    assert any("Preview of file.csv is ready" in m for m in messages_of(first))
    assert not messages_of(admin_client.get(reverse("admin:index")))


def test_a_large_export_is_a_job_with_a_download_link(admin_client, django_capture_on_commit_callbacks):
    ProductFactory.create_batch(ROWS - 1)
    ProductFactory(title="=HYPERLINK(1)")
    with django_capture_on_commit_callbacks(execute=True):
        response = export(admin_client, Product, CSV)
    job = Job.objects.get()
    assert response.status_code == 302 and job.state == Job.State.DONE
    download = admin_client.get(reverse("admin:backoffice_job_download", args=[job.pk]))
    text = b"".join(download.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == ROWS and "'=HYPERLINK(1)" in {row["title"] for row in rows}


def test_a_large_xlsx_export_keeps_numbers_numeric(admin_client, django_capture_on_commit_callbacks):
    ProductFactory.create_batch(ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        export(admin_client, Product, XLSX)
    job = Job.objects.get()
    sheet = openpyxl.load_workbook(job.result.open("rb")).active
    rows = list(sheet.values)
    price = rows[0].index("price")
    assert len(rows) == ROWS + 1 and all(isinstance(row[price], (int, float)) for row in rows[1:])


def test_another_staff_member_cannot_see_or_download_a_job(client, admin_client, django_capture_on_commit_callbacks):
    ProductFactory.create_batch(ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        export(admin_client, Product, CSV)
    job = Job.objects.get()
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:backoffice_job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:backoffice_job_change", args=[job.pk])).status_code in (302, 403, 404)
