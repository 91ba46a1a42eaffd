"""An audit entry's diff as rows for the admin: field, before, after, in people's words."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import Truncator, capfirst

from shop.backoffice.audit.context import Source
from shop.backoffice.audit.tracking import MASKED_FIELDS

EMPTY = "—"
M2M_OPERATIONS = {"add": "added", "delete": "removed"}
MASKED_TEXT = {"set": "set (value not recorded)", "changed": "changed (value not recorded)"}
SUMMARY_LENGTH = 120


def source_of(entry) -> str:
    source = (entry.additional_data or {}).get("source", "")
    return Source(source).label if source in Source.values else source or EMPTY


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    return capfirst(getattr(field, "verbose_name", None) or name.replace("_", " "))


def _shown(field, value) -> str:
    if value is None or value == "":
        return EMPTY
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _m2m_row(label: str, change: dict) -> dict:
    operation = M2M_OPERATIONS.get(change.get("operation"), change.get("operation", ""))
    return {"field": label, "before": "", "after": f"{operation}: {', '.join(map(str, change.get('objects', [])))}"}


def _note(entry) -> str:
    data = entry.additional_data or {}
    if "reason" not in data:
        return ""
    return " · ".join(part for part in (data["reason"], data.get("reference", "")) if part)


def change_rows(entry) -> list[dict]:
    """One row per changed field, sorted by field name; masked fields say "changed" and nothing more. A
    creation lists the fields that got a value, without a "before"."""
    model = entry.content_type.model_class()
    created = entry.action == entry.Action.CREATE
    rows = []
    for name, change in sorted((entry.changes or {}).items()):
        field = _field(model, name)
        label = _label(field, name)
        if isinstance(change, dict):
            rows.append(_m2m_row(label, change))
        elif name in MASKED_FIELDS:
            rows.append({"field": label, "before": "", "after": MASKED_TEXT["set" if created else "changed"]})
        else:
            before, after = [*change, None, None][:2]
            if created and after in (None, ""):
                continue
            rows.append(
                {"field": label, "before": "" if created else _shown(field, before), "after": _shown(field, after)}
            )
    note = _note(entry)
    if note and rows:
        rows[-1]["note"] = note
    return rows


def summary(entry) -> str:
    """A one-line diff for the list, cut at SUMMARY_LENGTH: `Price: 10.00 → 12.00; Is active: yes → no`."""
    parts = []
    for row in change_rows(entry):
        arrow = f"{row['before']} → {row['after']}" if row["before"] else row["after"]
        parts.append(f"{row['field']}: {arrow}" + (f" ({row['note']})" if row.get("note") else ""))
    return Truncator("; ".join(parts)).chars(SUMMARY_LENGTH)
