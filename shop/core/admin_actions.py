"""Admin actions that ask for more input first (an intermediate form), and reporting service errors."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

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
