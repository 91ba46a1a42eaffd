"""Bases for every serializer that reads a request body: a field the resource does not accept is a 400.

DRF drops keys it has no writable field for, so `PATCH /carts/{id}/ {"items": [...]}` used to answer 200
and change nothing. Here each such key is a field error under its own name:

* a key that is no field of the resource: "Unknown field.";
* a read-only field (`id`, `created_at`, `is_staff` on `me/`, a cart's `items`...): "This field is
  read-only." A client never sends `id`, on create or on update: it is refused like any read-only field.

Nested serializers derive from these bases too, so `{"add": [{"product": 1, "price": "0.01"}]}` names
`add.0.price`. The schema marks these request bodies `additionalProperties: false`, and its build warns
about a request body whose serializer does not derive from here (shop/core/schema.py).
"""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

UNKNOWN_FIELD = "Unknown field."
READ_ONLY_FIELD = "This field is read-only."


class StrictFieldsMixin:
    def to_internal_value(self, data):
        refused = self.refused_fields(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                exc.detail.update(refused)
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def refused_fields(self, data) -> dict[str, list[ErrorDetail]]:
        """`{key: [message]}` for each key of `data` that no writable field of this serializer reads."""
        if not isinstance(data, Mapping):
            return {}  # DRF itself refuses a body that is not an object
        refused = {}
        for name in data:
            field = self.fields.get(name)
            if field is None:
                refused[name] = [ErrorDetail(UNKNOWN_FIELD, code="unknown_field")]
            elif field.read_only or isinstance(field, serializers.HiddenField):
                refused[name] = [ErrorDetail(READ_ONLY_FIELD, code="read_only")]
        return refused


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


class EmptyBodySerializer(StrictSerializer):
    """The body of an action that takes none: nothing, or `{}`."""


def refuse_body_fields(request) -> None:
    """400 naming every field of the body of an action that takes no body (`POST /carts/{id}/clear/`)."""
    EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)
