"""Background jobs of the back office: imports and exports too large to run inside a request.

A job's life: `pending` (waiting for a worker) → `running` → for an import's preview `previewed` (waiting for
the staff member to confirm: then `pending` again, step `import`) → `done`, or `failed` with the reason.
JOB_FILES_RETENTION_DAYS after a job ended its files (the upload, the export) are deleted and `files_deleted_at`
says so; such a job can no longer be confirmed or retried.
`attempt` counts the runs: a task carries the attempt it was sent for, so a task delivered again after its
worker died, or a retry racing the old task, runs at most once (shop/backoffice/jobs.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"

    class Step(models.TextChoices):
        PREVIEW = "preview", "Preview"
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        PREVIEWED = "previewed", "Previewed: waiting for your confirmation"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    step = models.CharField(max_length=10, choices=Step.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    model = models.CharField(max_length=100, help_text="The imported or exported model (app_label.model_name).")
    resource = models.CharField(max_length=200, help_text="The import-export resource class (dotted path).")
    file_format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255, blank=True, help_text="The uploaded file's name.")
    file = models.FileField(upload_to="jobs/imports/%Y/%m/", blank=True, max_length=255)
    result = models.FileField(upload_to="jobs/exports/%Y/%m/", blank=True, max_length=255)
    selection = models.JSONField(default=list, blank=True, help_text="The exported rows' primary keys, in order.")
    export_fields = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True, help_text="Rows new, updated, skipped, invalid.")
    row_errors = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, help_text="Why it failed.")
    attempt = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True, help_text="When its starter was told it finished.")
    files_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When its uploaded file and export were deleted (JOB_FILES_RETENTION_DAYS)."
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["state", "started_at"], name="job_running_idx", condition=Q(state="running")),
            models.Index(fields=["created_by", "seen_at"], name="job_unseen_idx", condition=Q(seen_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rows_done__lte=models.F("total_rows")), name="job_rows_done_le_total")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.model} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.PREVIEWED)
