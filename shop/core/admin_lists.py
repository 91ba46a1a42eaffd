"""Admin changelists that render their form inputs without the template engine.

A changelist with `list_editable` renders a small form per row: with 50 rows and three editable columns
that is about 250 inputs (the row checkboxes and hidden ids included) plus as many empty error lists, each
through Django's form templates. That was about two thirds of the product changelist's time
(bench/RESULTS.md). `DirectRenderer` writes the same HTML for plain `<input>` widgets and empty error
lists in Python and hands every other template to Django, byte for byte the same page.
"""

import html

from django.contrib.admin import helpers
from django.forms import CheckboxInput
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "checkbox")
)
ERROR_LIST_TEMPLATES = frozenset(("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"))


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` under autoescaping: safe strings stay as they are. (The standard
    library's `escape` is Django's without its lazy-string wrapper, a third of this module's time.)"""
    text = "%s" % (value,)  # noqa: UP031 - the template filter's own formatting
    return text if isinstance(value, SafeData) else html.escape(text)


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html (with attrs.html) for a widget's template context."""
    markup = f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
    if widget["value"] is not None:
        markup += f' value="{_text(widget["value"])}"'
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        markup += f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
    return markup + ">"


class DirectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        if template_name in ERROR_LIST_TEMPLATES and not context.get("errors"):
            return ""
        return super().render(template_name, context, request)


DIRECT_RENDERER = DirectRenderer()


class DirectRenderingMixin:
    """For a ModelAdmin: the changelist's editable rows and row checkboxes through `DirectRenderer`."""

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, renderer=DIRECT_RENDERER, **kwargs)

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        checkbox = CheckboxInput({"class": "action-select", "aria-label": label}, lambda value: False)
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk), renderer=DIRECT_RENDERER)
