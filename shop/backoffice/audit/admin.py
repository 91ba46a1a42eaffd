"""The audit log in the admin: a global read-only list, and the History page of every audited model.

The History button of a change page opens `history_view`; `add_audit_history` gives the registered admin of
each audited model a subclass whose `history_view` shows the audit entries (who, when, source, diff) to
users with the audit permission, and Django's own action history to everyone else.
"""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from shop.accounts.models import User
from shop.backoffice.audit.context import Source
from shop.backoffice.audit.render import change_rows, source_of, summary
from shop.backoffice.audit.selectors import (
    can_view_audit,
    entries_for,
    entries_visible_to,
    visible_content_types,
)
from shop.backoffice.audit.tracking import TRACKED
from shop.catalog.models import Product, ProductImage

HISTORY_PER_PAGE = 50
NO_ROWS = {"field": "", "before": "", "after": ""}
#: model -> (changelist url name, filter parameter, text): where the rest of an object's story is kept.
RELATED_RECORDS = {
    Product: ("admin:catalog_stockmovement_changelist", "product__id__exact", "Sales and cancellations: stock ledger"),
}


def _admin_link(viewname: str, pk, text):
    try:
        return format_html('<a href="{}">{}</a>', reverse(viewname, args=[pk]), text)
    except NoReverseMatch:
        return text


class ActorFilter(admin.SimpleListFilter):
    """Staff (few) by name, or entries without a person; customers are found by searching their email."""

    title = "user"
    parameter_name = "actor"
    NOBODY = "none"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(is_staff=True).order_by("email").values_list("pk", "email")
        return [(str(pk), email) for pk, email in staff] + [(self.NOBODY, "No user (system)")]

    def queryset(self, request, queryset):
        if self.value() == self.NOBODY:
            return queryset.filter(actor__isnull=True)
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class ModelFilter(admin.SimpleListFilter):
    title = "model"
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [
            (str(ct.pk), capfirst(ct.model_class()._meta.verbose_name)) for ct in visible_content_types(request.user)
        ]

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if self.value() else queryset


class SourceFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices

    def queryset(self, request, queryset):
        return queryset.filter(additional_data__source=self.value()) if self.value() else queryset


class AuditLogAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ("timestamp", "actor_link", "source", "action", "object_link", "changes_summary")
    list_display_links = ("timestamp",)
    list_filter = (ActorFilter, ModelFilter, SourceFilter, "action", ("timestamp", admin.DateFieldListFilter))
    search_fields = ("object_repr", "=object_pk", "actor_email")
    list_select_related = ("actor", "content_type")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice would scan the whole log
    fields = ("timestamp", "actor_link", "source", "action", "object_link", "changes_table", "cid")
    readonly_fields = fields

    def get_queryset(self, request):
        return entries_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="user", ordering="actor_email")
    def actor_link(self, entry):
        if entry.actor_id is None:
            return entry.actor_email or "-"
        return _admin_link("admin:accounts_user_change", entry.actor_id, entry.actor_email or entry.actor)

    @admin.display(description="source")
    def source(self, entry):
        return source_of(entry)

    @admin.display(description="object", ordering="object_repr")
    def object_link(self, entry):
        ct = entry.content_type
        text = f"{capfirst(ct.name)}: {entry.object_repr}"
        if ct.model_class() is ProductImage:  # no page of its own: its product's History shows it
            return _admin_link("admin:catalog_product_history", (entry.additional_data or {}).get("product"), text)
        return _admin_link(f"admin:{ct.app_label}_{ct.model}_history", entry.object_pk, text)

    @admin.display(description="changes")
    def changes_summary(self, entry):
        return summary(entry)

    @admin.display(description="changes")
    def changes_table(self, entry):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r["field"], r["before"], r["after"], r.get("note", "")) for r in change_rows(entry)),
        )
        return format_html("<table><tr><th>field</th><th>before</th><th>after</th><th></th></tr>{}</table>", rows)


class AuditHistoryMixin:
    """`history_view` showing the audit entries of the object (a fixed number of queries per page)."""

    def history_view(self, request, object_id, extra_context=None):
        if not can_view_audit(request.user):
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = Paginator(entries_for(obj), HISTORY_PER_PAGE)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "entries": [
                {
                    "entry": entry,
                    "source": source_of(entry),
                    "rows": change_rows(entry) or [NO_ROWS],
                    "about": entry.object_repr if entry.content_type.model_class() is not type(obj) else "",
                }
                for entry in page
            ],
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "related_records": self._related_records(obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit/object_history.html", context)

    def _related_records(self, obj):
        if type(obj) not in RELATED_RECORDS:
            return None
        viewname, parameter, text = RELATED_RECORDS[type(obj)]
        return {"url": f"{reverse(viewname)}?{parameter}={obj.pk}", "text": text}


def add_audit_history(site: admin.AdminSite) -> None:
    """Give the admin of every audited model the audit History (call after all admins are registered)."""
    for model in TRACKED:  # the admins load before the apps are ready, so before auditlog's registry is filled
        current = site._registry.get(model)
        if current is None or isinstance(current, AuditHistoryMixin):
            continue
        admin_class = type(current)
        site.unregister(model)
        site.register(model, type(admin_class.__name__, (AuditHistoryMixin, admin_class), {"__module__": __name__}))


def register(site: admin.AdminSite) -> None:
    if site.is_registered(LogEntry):
        site.unregister(LogEntry)  # auditlog's own admin: editable search over raw JSON, no scoping
    site.register(LogEntry, AuditLogAdmin)
    add_audit_history(site)
