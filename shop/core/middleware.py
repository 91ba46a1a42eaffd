import uuid


class TraceIdMiddleware:
    """Gives every request a trace id (kept from a sane `X-Request-ID`), echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.trace_id = incoming if incoming.isalnum() and 8 <= len(incoming) <= 64 else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.trace_id
        return response
