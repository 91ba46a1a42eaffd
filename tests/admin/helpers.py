from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(changelist(model), data)


def set_page_size(monkeypatch, model, size: int) -> None:
    monkeypatch.setattr(admin.site._registry[model], "list_per_page", size)


def changelist_formset(objects, prefix="form", **fields_per_object):
    """POST data of a list_editable changelist for `objects`; fields_per_object maps field -> [values]."""
    data = {f"{prefix}-TOTAL_FORMS": len(objects), f"{prefix}-INITIAL_FORMS": len(objects), "_save": "Save"}
    for i, obj in enumerate(objects):
        data[f"{prefix}-{i}-id"] = obj.pk
        for name, values in fields_per_object.items():
            data[f"{prefix}-{i}-{name}"] = values[i]
    return data


class _Widgets(HTMLParser):
    """Collects the widgets inside the change form (`<form id="<model>_form">`)."""

    def __init__(self):
        super().__init__()
        self.names, self.in_form = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = (attrs.get("id") or "").endswith("_form")
        if not self.in_form:
            return
        if tag in ("select", "textarea") or (tag == "input" and attrs.get("type") != "hidden"):
            self.names.append(attrs.get("name") or attrs.get("id") or tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def editable_widgets(html: str) -> list[str]:
    """Names of the inputs (submit buttons included), selects and text areas of the page's change form."""
    parser = _Widgets()
    parser.feed(html)
    return parser.names
