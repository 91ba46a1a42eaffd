"""RFC 9457 problem details: the only error format under /api/.

`problem_exception_handler` is DRF's exception handler; `api_404` and `api_500` are Django's handlers
for /api/ paths (other paths keep Django's pages).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connections
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from shop.core.exceptions import DomainError
from shop.core.renderers import PROBLEM_CONTENT_TYPE

logger = logging.getLogger("shop.errors")

# DRF exception class -> (code, title). Looked up along the class's MRO, most specific first.
DRF_CODES = {
    exceptions.ValidationError: ("validation_error", "Validation failed"),
    exceptions.ParseError: ("validation_error", "Malformed request"),
    exceptions.NotAuthenticated: ("not_authenticated", "Authentication required"),
    exceptions.AuthenticationFailed: ("not_authenticated", "Authentication failed"),
    exceptions.PermissionDenied: ("permission_denied", "Permission denied"),
    exceptions.NotFound: ("not_found", "Not found"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Method not allowed"),
    exceptions.NotAcceptable: ("not_acceptable", "Not acceptable"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Unsupported media type"),
    exceptions.Throttled: ("throttled", "Too many requests"),
}


def problem(status_code: int, code: str, title: str, detail: str, **extra) -> dict:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail, "code": code}
    body.update(extra)
    return body


def problem_response(body: dict, headers: dict | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_json_response(body: dict) -> JsonResponse:
    return JsonResponse(body, status=body["status"], content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail) -> dict:
    """`{field: [message, ...]}`, the one shape the schema documents. Errors of nested serializers get
    dotted keys (`"add.0.quantity"`: the `quantity` of the first `add` entry)."""
    errors: dict[str, list] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten_errors(str(key), value, errors)
    else:
        _flatten_errors("non_field_errors", detail, errors)
    return errors


def _flatten_errors(key: str, value, errors: dict) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _flatten_errors(f"{key}.{name}", item, errors)
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        for index, item in enumerate(value):
            if item:  # a valid entry of a list of objects has no errors: `{}`
                _flatten_errors(f"{key}.{index}", item, errors)
    else:
        errors.setdefault(key, []).extend(value if isinstance(value, list) else [value])


def _drf_problem(exc: exceptions.APIException) -> Response:
    code, title = next((DRF_CODES[cls] for cls in type(exc).__mro__ if cls in DRF_CODES), ("error", "Error"))
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            exc.status_code, code, title, "One or more fields are invalid.", errors=_field_errors(exc.detail)
        )
    elif isinstance(exc.detail, dict) and "detail" in exc.detail:
        # simplejwt's InvalidToken: {"detail": ..., "code": ..., "messages": [token internals]}
        body = problem(exc.status_code, code, title, str(exc.detail["detail"]))
    elif isinstance(exc.detail, (dict, list)):
        body = problem(exc.status_code, code, title, title, errors=_field_errors(exc.detail))
    else:
        body = problem(exc.status_code, code, title, str(exc.detail))
    return problem_response(body, headers)


def _server_error_body(request) -> dict:
    trace_id = getattr(request, "trace_id", None)
    return problem(500, "server_error", "Server error", "An unexpected error occurred.", trace_id=trace_id)


def problem_exception_handler(exc, context):
    response = _problem_for(exc, context.get("request"))
    set_rollback()  # as DRF's own handler does: with ATOMIC_REQUESTS the request's transaction is undone
    if isinstance(exc, DatabaseError):
        _roll_back_broken_transactions()
    return response


def _roll_back_broken_transactions() -> None:
    """After a database error inside `atomic()`, the transaction cannot run another query (PostgreSQL);
    mark it for rollback so the enclosing block undoes it instead of failing later with an obscure error."""
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            conn.set_rollback(True)


def _problem_for(exc, request) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        if isinstance(exc, exceptions.NotFound) and not isinstance(exc.detail, (dict, list)):
            exc.detail = exc.detail or "Not found."
        return _drf_problem(exc)
    if isinstance(exc, DomainError):
        extra = dict(exc.extra)
        if "errors" in extra:
            extra["errors"] = _field_errors(extra["errors"])
        return problem_response(problem(exc.status, exc.code, exc.title, exc.detail, **extra))
    if isinstance(exc, RequestDataTooBig):
        return problem_response(problem(413, "payload_too_large", "Payload too large", str(exc)))
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", exc, extra={"trace_id": getattr(request, "trace_id", None)})
        return problem_response(
            problem(503, "service_unavailable", "Service unavailable", "The database is not reachable; try again.")
        )
    if isinstance(exc, (DataError, OverflowError)):
        # A value the database cannot hold (an id or amount out of range) came from the request: a 400,
        # logged with its traceback because a serializer should have refused it first.
        logger.warning("out-of-range input reached the database", exc_info=exc)
        return problem_response(
            problem(400, "validation_error", "Validation failed", "A value in the request is out of range.")
        )
    if isinstance(exc, DatabaseError):
        logger.exception("database error", extra={"trace_id": getattr(request, "trace_id", None)})
        return problem_response(_server_error_body(request))
    logger.exception("unhandled error", extra={"trace_id": getattr(request, "trace_id", None)})
    return problem_response(_server_error_body(request))


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_404(request, exception=None):
    if _is_api(request):
        return problem_json_response(
            problem(status.HTTP_404_NOT_FOUND, "not_found", "Not found", "No resource at this address.")
        )
    return defaults.page_not_found(request, exception)


def api_500(request):
    if _is_api(request):
        return problem_json_response(_server_error_body(request))
    return defaults.server_error(request)
