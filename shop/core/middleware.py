import logging
import time
import uuid

from django.conf import settings
from django.urls import is_valid_path
from django.utils.functional import SimpleLazyObject, empty

from shop.core.errors import problem, problem_json_response
from shop.core.logging import trace_id_var

access_logger = logging.getLogger("shop.request")


class TraceIdMiddleware:
    """Gives every request a trace id (kept from a sane `X-Request-ID`), echoed in the response, and writes
    one access log line per request on `shop.request`.

    Outermost middleware: the trace id is the context of every log record written while the request is
    handled (see shop/core/logging.py), and the logged status is the one the client gets, 500 included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.trace_id = incoming if incoming.isalnum() and 8 <= len(incoming) <= 64 else uuid.uuid4().hex
        token = trace_id_var.set(request.trace_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.trace_id
            _log_request(request, response.status_code, started)
            return response
        finally:
            trace_id_var.reset(token)


def _log_request(request, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    fields = {
        "method": request.method,
        "path": request.path,
        "status": status,
        "duration_ms": duration_ms,
        "user_id": _user_id(request),
    }
    access_logger.info("%s %s %s %.2fms", request.method, request.path, status, duration_ms, extra=fields)


def _user_id(request) -> int | None:
    """The authenticated user's id, without a database query of its own.

    DRF replaces Django's lazy `request.user` with the user its authentication found (JWT); Django's
    session user counts only if something already evaluated it (the admin does).
    """
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class ApiBodyLimitMiddleware:
    """413 problem document for an /api/ request whose body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.

    Django checks that limit only when `request.body` or form data is read; DRF's parsers read the raw
    stream, so without this check a JSON body of any size would be parsed. Requests without a
    Content-Length have no body as far as DRF is concerned. A multipart body (file uploads) has a limit of
    its own, API_MULTIPART_MAX_BYTES.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = settings.API_MULTIPART_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path.startswith("/api/") and _content_length(request) > limit:
            detail = f"The request body is larger than {limit} bytes."
            return problem_json_response(problem(413, "payload_too_large", "Payload too large", detail))
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiOptionalSlashMiddleware:
    """Every /api/ path answers with and without its trailing slash, the same way and without a redirect.

    The routes (router and app urlpatterns alike) are written once, with the slash, and the schema lists
    them so. A request for `/api/v1/products` that matches no route but does with a slash is routed as
    `/api/v1/products/`: the path is rewritten in place, so a POST keeps its body. It runs before
    CommonMiddleware, whose APPEND_SLASH would answer 301 (or, for a POST with DEBUG on, raise); paths
    outside /api/ keep that behaviour.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/") and not path.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            if not is_valid_path(path, urlconf) and is_valid_path(f"{path}/", urlconf):
                request.path_info = f"{path}/"
                request.path = f"{request.path}/"
        return self.get_response(request)
