"""The work of an import or export job, run by a worker (`tasks.run_job`).

Preview: the import's dry run (rolled back, no audit work) with the totals and row errors kept on the job.
Import: the same rows for real, in one transaction that also writes the job's end, so a worker that dies
leaves neither rows nor a job claiming success; any bad row rolls every row back (all or nothing).
Export: the selected rows a few thousand at a time, each batch written to a temporary file as it is read
(shop.core.formats `stream_export`), the file then stored for the download link: memory stays flat however
many rows there are.
"""

import logging
import tempfile

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib import admin
from django.core.files import File
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from django.utils.module_loading import import_string
from import_export import resources
from import_export.results import RowResult

from shop.backoffice.audit.context import audit_context
from shop.backoffice.jobs import WORKER_LOST, Progress, job_claim, job_fail, job_finish
from shop.backoffice.models import Job
from shop.core.formats import FORMATS
from shop.core.importexport import describe_errors

logger = logging.getLogger(__name__)

EXPORT_BATCH = 2_000
NOTHING_IMPORTED = "The file has rows that cannot be imported (listed below); nothing was imported."


class JobLost(Exception):
    """The sweep failed the job while this run was still at it: its work is rolled back."""


def job_run(*, job_id: int, attempt: int) -> None:
    job = job_claim(job_id=job_id, attempt=attempt)
    if job is None:
        return
    try:
        {Job.Step.PREVIEW: _preview, Job.Step.IMPORT: _import, Job.Step.EXPORT: _export}[job.step](job)
    except JobLost:
        logger.warning("job %s was failed by the stale sweep while running; its work was rolled back", job.pk)
        job_fail(job_id=job.pk, attempt=job.attempt, reason=WORKER_LOST)  # normally done already: then a no-op
    except Exception as exc:  # the work's transaction is rolled back; the job says why
        logger.exception("job %s failed", job.pk, extra={"job": job.pk})
        job_fail(job_id=job.pk, attempt=job.attempt, reason=f"{type(exc).__name__}: {exc}"[:2000])


def _resource(job: Job):
    """The job's resource, without the per-row HTML diff and kept skipped rows the admin's preview shows."""
    resource_class = import_string(job.resource)
    if not issubclass(resource_class, resources.Resource):
        raise TypeError(f"{job.resource} is not an import-export resource of the shop")
    meta = type("Meta", (), {"skip_html_diff": True, "report_skipped": False})
    return type(resource_class.__name__, (resource_class,), {"Meta": meta, "__module__": resource_class.__module__})()


def _format(job: Job):
    return next(fmt for fmt in FORMATS if fmt.__name__ == job.file_format)()


def _dataset(job: Job):
    file_format = _format(job)
    with job.file.open("rb") as stored:
        data = stored.read()
    return file_format.create_dataset(data if file_format.is_binary() else data.decode("utf-8-sig"))


def _totals(result) -> dict:
    totals = dict(result.totals)
    return {
        "new": totals.get(RowResult.IMPORT_TYPE_NEW, 0),
        "updated": totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
        "skipped": totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
        "invalid": totals.get(RowResult.IMPORT_TYPE_INVALID, 0) + totals.get(RowResult.IMPORT_TYPE_ERROR, 0),
    }


def _run_import(job: Job, *, dry_run: bool):
    dataset = _dataset(job)
    progress = Progress(job, len(dataset))
    result = _resource(job).import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True,
        user=job.created_by, file_name=job.file_name, progress=progress,
    )  # fmt: skip
    failed = result.has_errors() or result.has_validation_errors()
    return result, failed


def _preview(job: Job) -> None:
    with disable_auditlog():  # a dry run: rolled back whatever it writes
        result, failed = _run_import(job, dry_run=True)
    job_finish(
        job=job, state=Job.State.FAILED if failed else Job.State.PREVIEWED, totals=_totals(result),
        row_errors=describe_errors(result, limit=100), reason=NOTHING_IMPORTED if failed else "",
    )  # fmt: skip


def _import(job: Job) -> None:
    with transaction.atomic(), audit_context(source="import", actor=job.created_by):
        result, failed = _run_import(job, dry_run=False)  # its own savepoint, rolled back on any bad row
        ended = job_finish(
            job=job, state=Job.State.FAILED if failed else Job.State.DONE, totals=_totals(result),
            row_errors=describe_errors(result, limit=100), reason=NOTHING_IMPORTED if failed else "",
        )  # fmt: skip
        if not ended:
            raise JobLost


def _export(job: Job) -> None:
    resource, file_format = _resource(job), _format(job)
    fields = job.export_fields or None
    progress = Progress(job, job.total_rows)
    model = apps.get_model(job.model)
    with tempfile.TemporaryFile() as out:
        file_format.stream_export(
            resource.get_export_headers(selected_fields=fields),
            _export_rows(job, resource, fields, native=file_format.is_binary(), progress=progress),
            out,
            title=str(model._meta.verbose_name_plural).capitalize(),
        )
        out.seek(0)
        name = f"{model._meta.model_name}-{timezone.now():%Y-%m-%d}.{file_format.get_extension()}"
        with transaction.atomic():
            job.result.save(name, File(out), save=False)
            if not job_finish(job=job, state=Job.State.DONE, result=job.result.name):
                job.result.delete(save=False)
                raise JobLost


def _admin_queryset(job: Job):
    """What the admin exports from (its select_related, prefetches and scoping), as the job's starter sees it."""
    model = apps.get_model(job.model)
    request = RequestFactory().get("/")
    request.user = job.created_by
    return admin.site._registry[model].get_export_queryset(request)


def _export_rows(job: Job, resource, fields, *, native: bool, progress: Progress):
    """The selected rows in their order, EXPORT_BATCH primary keys a query (plus the prefetches); rows deleted
    since the export was asked for are left out. A resource exporting other rows (order lines of the selected
    orders) has them in its own order, batch by batch."""
    base, done = _admin_queryset(job), 0
    for start in range(0, len(job.selection), EXPORT_BATCH):
        pks = job.selection[start : start + EXPORT_BATCH]
        rows = resource.filter_export(base.filter(pk__in=pks))
        if rows.model is base.model:
            found = {obj.pk: obj for obj in rows}
            rows = (found[pk] for pk in pks if pk in found)
        for obj in rows:
            yield resource.export_resource(obj, selected_fields=fields, force_native_type=native)
        done += len(pks)
        progress(done)
