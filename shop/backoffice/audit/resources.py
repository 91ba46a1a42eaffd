"""Audit entries for imports that write in bulk (no model signals): users and products.

`UserResource` saves with `bulk_create`/`bulk_update`, which django-auditlog never sees. This subclass keeps
each imported row's instance (and, for an update, its state before) and, once the rows are written, writes
their entries with one `bulk_create`, in the import's transaction: a failed import leaves no entry.
Products written in bulk (`shop.catalog.bulk`) say so with the `products_saved` signal; `log_products_saved`
writes the entries the one-by-one services would have: the product (created, or its changed fields), its
stock as a separate entry with the movement's reason, its categories added and removed.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from import_export.results import RowResult

from shop.accounts.resources import UserResource
from shop.backoffice.audit.context import current_actor, current_source
from shop.catalog.models import Category

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
        entries.append(_entry(row.instance, action, changes, actor=actor, data={"source": source}, cid=cid))
    return entries


def _entry(instance, action, changes, *, actor, data: dict, cid) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=action,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data=data,
        cid=cid,
    )


def log_products_saved(sender, *, created, updated, categories, by, reason, reference, **kwargs) -> None:
    """Receiver of `shop.catalog.bulk.products_saved` (in the batch's transaction)."""
    if auditlog_disabled.get():
        return
    actor, cid = current_actor() or by, get_cid()
    data = {"source": current_source()}
    stock_data = {**data, "reason": reason, "reference": reference}
    entries = []
    for old, new in [(None, product) for product in created] + list(updated):
        changes = model_instance_diff(old, new, use_json_for_changes=True) or {}
        before, after = (0 if old is None else old.stock), new.stock
        changes.pop("stock", None)
        action = LogEntry.Action.CREATE if old is None else LogEntry.Action.UPDATE
        if changes or old is None:
            entries.append(_entry(new, action, changes, actor=actor, data=data, cid=cid))
        if before != after:
            entries.append(
                _entry(new, LogEntry.Action.UPDATE, {"stock": [before, after]}, actor=actor, data=stock_data, cid=cid)
            )
    entries += _category_entries(created, updated, categories, actor=actor, data=data, cid=cid)
    LogEntry.objects.bulk_create(entries)


def _category_entries(created, updated, categories, **stamp) -> list[LogEntry]:
    if not categories:
        return []
    products = {product.pk: product for product in created} | {new.pk: new for _, new in updated}
    names = {
        c.pk: str(c)
        for c in Category.objects.filter(pk__in={pk for pair in categories.values() for ids in pair for pk in ids})
    }
    entries = []
    for pk, (old_ids, new_ids) in categories.items():
        for operation, ids in (("add", new_ids - old_ids), ("delete", old_ids - new_ids)):
            if ids:
                objects = sorted(names[i] for i in ids)
                changes = {"categories": {"type": "m2m", "operation": operation, "objects": objects}}
                entries.append(_entry(products[pk], LogEntry.Action.UPDATE, changes, **stamp))
    return entries


class AuditedUserResource(UserResource):
    class Meta(UserResource.Meta):
        store_instance = True

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not auditlog_disabled.get():
            LogEntry.objects.bulk_create(bulk_entries(result.rows))
