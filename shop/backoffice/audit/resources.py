"""Audit entries for imports that write in bulk (no model signals): the user import.

`UserResource` saves with `bulk_create`/`bulk_update`, which django-auditlog never sees. This subclass keeps
each imported row's instance (and, for an update, its state before) and, once the rows are written, writes
their entries with one `bulk_create`, in the import's transaction: a failed import leaves no entry.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from import_export.results import RowResult

from shop.accounts.resources import UserResource
from shop.backoffice.audit.context import current_actor, current_source

WRITTEN = {RowResult.IMPORT_TYPE_NEW: LogEntry.Action.CREATE, RowResult.IMPORT_TYPE_UPDATE: LogEntry.Action.UPDATE}


def bulk_entries(row_results) -> list[LogEntry]:
    """Unsaved entries for the new and updated rows (instance and original kept by `store_instance`)."""
    actor, source, cid = current_actor(), current_source(), get_cid()
    entries = []
    for row in row_results:
        action = WRITTEN.get(row.import_type)
        if action is None or row.instance is None or row.instance.pk is None:
            continue
        old = row.original if action == LogEntry.Action.UPDATE else None
        changes = model_instance_diff(old, row.instance, use_json_for_changes=True)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(row.instance),
                object_pk=str(row.instance.pk),
                object_id=row.instance.pk,
                object_repr=str(row.instance),
                action=action,
                changes=changes,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                additional_data={"source": source},
                cid=cid,
            )
        )
    return entries


class AuditedUserResource(UserResource):
    class Meta(UserResource.Meta):
        store_instance = True

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not auditlog_disabled.get():
            LogEntry.objects.bulk_create(bulk_entries(result.rows))
