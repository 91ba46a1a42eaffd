"""OpenAPI description of the RFC 9457 problem documents that `shop.core.errors` produces.

Two ways to use it:

* `ProblemAutoSchema` (the project's DEFAULT_SCHEMA_CLASS) adds the usual problem responses to every
  operation that does not describe that status itself: 400 for writes and lists (filters, pagination),
  401/403 when the view is not open to everyone, 404 for paths with an id and for lists (page past the
  end), 429 when the view is throttled.
* `problem_responses(409, 422, ...)` gives explicit entries for `@extend_schema(responses={...})`:
  `responses={200: CartSerializer, **problem_responses(409)}`.

Request bodies are `additionalProperties: false`: their serializers refuse unknown and read-only fields
(shop/core/serializers.py). A request body whose serializer does not is a schema warning, so the
`spectacular --fail-on-warn` check (and tests/core/test_schema.py) fails until it derives from there.
"""

from django.test import RequestFactory
from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request

from shop.core.errors import PROBLEM_CONTENT_TYPE
from shop.core.serializers import StrictFieldsMixin

PROBLEM_DESCRIPTIONS = {
    400: "Validation failed (`validation_error`); field errors under `errors`.",
    401: "Missing, invalid or expired credentials (`not_authenticated`).",
    403: "The caller may not do this (`permission_denied`).",
    404: "No such resource, or not visible to the caller (`not_found`).",
    405: "Method not allowed (`method_not_allowed`).",
    409: "Conflicts with the current state (`conflict`, `insufficient_stock`).",
    413: "Request body too large (`payload_too_large`).",
    415: "Unsupported media type (`unsupported_media_type`).",
    422: "Idempotency key reused with a different request (`idempotency_key_reused`).",
    429: "Too many requests (`throttled`); see the `Retry-After` header.",
    500: "Unexpected error (`server_error`); quote `trace_id` when reporting it.",
    503: "A dependency is unavailable (`service_unavailable`).",
}


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document (`application/problem+json`)."""

    type = serializers.CharField(help_text='Always "about:blank".')
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine word, e.g. `validation_error`, `not_found`.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field errors: field name (or `non_field_errors`) to messages.",
    )
    trace_id = serializers.CharField(required=False, allow_null=True, help_text="Present on 500 responses.")


class StockShortageSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    available = serializers.IntegerField()


class InsufficientStockProblemSerializer(ProblemSerializer):
    """A 409 problem: `conflict`, or `insufficient_stock` with one shortage per product that is short."""

    shortages = StockShortageSerializer(
        many=True, required=False, help_text="With code `insufficient_stock`; a 409 `conflict` has none."
    )


def problem_schema(status_code: int, serializer=ProblemSerializer, description: str = "") -> dict:
    """One `responses` entry: `{(status, "application/problem+json"): OpenApiResponse(...)}`."""
    text = description or PROBLEM_DESCRIPTIONS.get(status_code, "Problem details.")
    return {(status_code, PROBLEM_CONTENT_TYPE): OpenApiResponse(response=serializer, description=text)}


def problem_responses(*status_codes: int) -> dict:
    """Entries for several statuses at once, each described by `ProblemSerializer`."""
    responses = {}
    for status_code in status_codes:
        responses.update(problem_schema(status_code))
    return responses


LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        "lang",
        str,
        OpenApiParameter.QUERY,
        description="The language of the answer (one of LANGUAGES); wins over `Accept-Language`. Unknown: the "
        "default language. Translatable fields fall back to the default language where a translation is empty; "
        "the answer's `Content-Language` names the language used.",
    ),
    OpenApiParameter(
        "Accept-Language",
        str,
        OpenApiParameter.HEADER,
        description="The preferred languages (RFC 9110), used when `lang` is not given.",
    ),
]


class ProblemAutoSchema(AutoSchema):
    """AutoSchema that documents the problem responses every operation can give (see module docstring)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status_code in self._default_problem_statuses():
            if str(status_code) in responses:
                continue
            description = PROBLEM_DESCRIPTIONS[status_code]
            response = self._get_response_for_code(
                OpenApiResponse(response=ProblemSerializer, description=description),
                str(status_code),
                [PROBLEM_CONTENT_TYPE],
                direction,
            )
            responses[str(status_code)] = response
        return dict(sorted(responses.items()))

    def _postprocess_serializer_schema(self, schema, serializer, direction):
        schema = super()._postprocess_serializer_schema(schema, serializer, direction)
        if direction == "request" and schema.get("type") == "object" and not serializer.read_only:
            if isinstance(serializer, StrictFieldsMixin):
                schema["additionalProperties"] = False
            else:
                name = type(serializer).__name__
                warn(f"{name} reads a request body but keeps unknown fields: derive it from shop.core.serializers")
        return schema

    def get_override_parameters(self):
        """Reads answer in `?lang=` or else `Accept-Language` (shop/core/i18n.py)."""
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters += LANGUAGE_PARAMETERS
        return parameters

    def get_auth(self):
        """Mark credentials optional (`{}`) wherever an anonymous caller passes, custom permissions too."""
        auths = super().get_auth()
        if {} not in auths and self._open_to_everyone():
            auths.append({})
        return auths

    def _default_problem_statuses(self) -> list[int]:
        writes = self.method in ("POST", "PUT", "PATCH")
        is_list = self.method == "GET" and self._is_list_view()
        statuses = []
        if writes or is_list:
            statuses.append(400)
        if self.view.get_authenticators():
            statuses.append(401)  # bad credentials are refused even where anonymous callers are welcome
        if not self._open_to_everyone():
            statuses.append(403)
        if "{" in self.path or is_list:
            statuses.append(404)
        if getattr(self.view, "throttle_classes", None):
            statuses.append(429)
        return statuses

    def _open_to_everyone(self) -> bool:
        """Whether an anonymous caller passes the view's permissions for this method."""
        request = Request(RequestFactory().generic(self.method, self.path), authenticators=())
        try:
            return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # noqa: BLE001 - a permission that needs more than a bare request: assume it can refuse
            return False
