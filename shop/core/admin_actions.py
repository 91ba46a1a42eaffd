"""Admin actions that ask for more input first (an intermediate form), reporting service errors, and deletes
that a rule may refuse."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from shop.core.exceptions import DomainError, InsufficientStock

APPLY = "apply"


def form_for_action(request, form_class, **kwargs):
    """The action's form, bound when the intermediate page was submitted (`apply` in POST)."""
    return form_class(request.POST if APPLY in request.POST else None, **kwargs)


def render_action_form(modeladmin, request, queryset, form, *, action: str, title: str, intro: str = ""):
    """Render the intermediate page; it posts back to the changelist with the same selection and action."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "media": modeladmin.media + form.media,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "action": action,
        "selected": queryset.values_list("pk", flat=True),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply": APPLY,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


def error_text(exc: DomainError) -> str:
    """A staff-readable sentence for a domain error (shortages spelled out per product)."""
    if isinstance(exc, InsufficientStock):
        short = ", ".join(f"product {s['product']}: {s['available']} available" for s in exc.shortages)
        return f"{exc.detail} ({short})"
    errors = exc.extra.get("errors")
    if errors:
        return f"{exc.detail} " + "; ".join(f"{key}: {' '.join(map(str, msgs))}" for key, msgs in errors.items())
    return exc.detail


def run_per_object(modeladmin, request, queryset, operation, *, done: str) -> None:
    """Call `operation(obj)` for each selected object; report successes and each refusal separately."""
    succeeded = 0
    for obj in queryset:
        try:
            operation(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {error_text(exc)}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected_unless_refused(modeladmin, request, queryset):
    """Django's bulk delete, unless the admin's `delete_refusal` says why these objects must stay."""
    refusal = modeladmin.delete_refusal(queryset)
    if refusal:
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


class RefusableDeleteMixin:
    """Deleting from the object page or with the bulk action first asks `delete_refusal(queryset)`; a refusal
    is shown as a message in the shop's words instead of Django's list of protected objects."""

    def delete_refusal(self, queryset) -> str:
        """Why the objects of `queryset` may not be deleted, or "" when they may."""
        return ""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, _, description = self.get_action(delete_selected_unless_refused)
            actions["delete_selected"] = (func, "delete_selected", description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        refusal = self.delete_refusal(self.model._default_manager.filter(pk=unquote(object_id)))
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))
        return super().delete_view(request, object_id, extra_context)
