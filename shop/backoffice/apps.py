from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The back office above every domain app: admin site and dashboard, roles, the import/export registry,
    the audit log, the import and export jobs."""

    name = "shop.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        from shop.backoffice.audit.tracking import register_models
        from shop.backoffice.job_admin import JobHandoff
        from shop.core.importexport import run_large_files_with

        register_models()
        run_large_files_with(JobHandoff())
