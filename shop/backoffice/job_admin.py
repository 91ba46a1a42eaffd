"""The jobs in the admin: a list and a read-only page per job, with its buttons (confirm a previewed import,
retry a failed job, download an export), and the hand-off of large imports and exports from every
import/export admin to a job (`JobHandoff`, registered with shop.core.importexport)."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from shop.backoffice.jobs import job_confirm, job_export_create, job_import_create, job_progress, job_retry
from shop.backoffice.models import Job
from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError

SEES_ALL = "backoffice.view_job"


def job_page(job: Job) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:backoffice_job_change", args=[job.pk]))


class JobHandoff:
    """What an import/export admin does with a file or an export over IMPORT_SYNC_MAX_ROWS rows."""

    def start_import(self, *, request, model_admin, resource_class, file_format, upload, rows):
        job = job_import_create(
            by=request.user, model=model_admin.model, resource_class=resource_class, file_format=file_format,
            upload=upload, rows=rows,
        )  # fmt: skip
        messages.info(
            request,
            f"The file has {rows:,} rows, so it is checked in the background. You will be told (here and by "
            "email) when its preview is ready to confirm; nothing is imported before you confirm.",
        )
        return job_page(job)

    def start_export(self, *, request, model_admin, resource_class, file_format, queryset, export_fields):
        pks = list(queryset.prefetch_related(None).values_list("pk", flat=True))
        job = job_export_create(
            by=request.user, model=model_admin.model, resource_class=resource_class, file_format=file_format,
            pks=pks, export_fields=export_fields,
        )  # fmt: skip
        messages.info(
            request, f"{len(pks):,} rows are exported in the background; you will be told when the file is ready."
        )
        return job_page(job)


def _model_permission(job: Job, action: str) -> str:
    app_label, model_name = job.model.split(".")
    return f"{app_label}.{action}_{model_name}"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    change_form_template = "admin/backoffice/job/change_form.html"
    list_display = ("id", "kind", "model", "file_name", "state", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "state", "model")
    list_select_related = ("created_by",)
    search_fields = ("file_name", "created_by__email")
    date_hierarchy = "created_at"
    fields = (
        "kind", "step", "state", "model", "file_name", "file_format", "progress", "totals_text", "reason",
        "errors_text", "download", "files_deleted_at", "created_by", "created_at", "started_at", "finished_at",
        "attempt",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        """Staff see the jobs they started; holders of backoffice.view_job see everybody's."""
        jobs = super().get_queryset(request).defer("selection")
        return jobs if request.user.has_perm(SEES_ALL) else jobs.filter(created_by=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if request.user.has_perm(SEES_ALL):
            return True
        return self.has_module_permission(request) and (obj is None or obj.created_by_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="rows")
    def progress(self, job: Job) -> str:
        if job.state == Job.State.RUNNING:
            note = job_progress(job=job)
            done, total = note.get("done", 0), note.get("total") or job.total_rows
            return f"{done:,} of {total:,} ({done * 100 // max(total, 1)} %)"
        if job.state in (Job.State.DONE, Job.State.PREVIEWED):
            return f"{job.total_rows:,} of {job.total_rows:,}"
        return f"{job.total_rows:,}"

    @admin.display(description="totals")
    def totals_text(self, job: Job) -> str:
        return ", ".join(f"{n:,} {kind}" for kind, n in job.totals.items()) or "-"

    @admin.display(description="row errors")
    def errors_text(self, job: Job) -> str:
        if not job.row_errors:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in job.row_errors)))

    @admin.display(description="file")
    def download(self, job: Job) -> str:
        if job.files_deleted_at:
            return f"Deleted after {settings.JOB_FILES_RETENTION_DAYS} days"
        if job.kind != Job.Kind.EXPORT or not job.result:
            return "-"
        return format_html('<a href="{}">Download</a>', reverse("admin:backoffice_job_download", args=[job.pk]))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/confirm/", wrap(self.confirm_view), name="backoffice_job_confirm"),
            path("<int:pk>/retry/", wrap(self.retry_view), name="backoffice_job_retry"),
            path("<int:pk>/download/", wrap(self.download_view), name="backoffice_job_download"),
            *super().get_urls(),
        ]

    def _job(self, request, pk: int, action: str) -> Job:
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm(_model_permission(job, action)):
            raise PermissionDenied
        return job

    def confirm_view(self, request, pk: int):
        return self._act(request, pk, "import", job_confirm, "Confirmed: the import runs in the background.")

    def retry_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        action = "import" if job.kind == Job.Kind.IMPORT else "export"
        return self._act(request, pk, action, job_retry, "The job runs again.")

    def _act(self, request, pk: int, action: str, service, done: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job(request, pk, action)
        try:
            service(job=job, by=request.user)
            messages.success(request, done)
        except DomainError as exc:
            messages.error(request, error_text(exc))
        return job_page(job)

    def download_view(self, request, pk: int):
        job = self._job(request, pk, "export")
        if not job.result:
            raise Http404("The export has no file (yet).")
        return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            can_confirm=obj is not None and obj.state == Job.State.PREVIEWED and not obj.files_deleted_at,
            can_retry=obj is not None and obj.state == Job.State.FAILED and not obj.files_deleted_at,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
