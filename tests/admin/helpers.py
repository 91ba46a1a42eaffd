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
