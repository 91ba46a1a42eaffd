"""Domain exceptions raised by services; `shop.core.errors` maps each to a problem document."""


class DomainError(Exception):
    status = 400
    code = "validation_error"
    title = "Bad request"

    def __init__(self, detail: str = "", *, extra: dict | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra or {}


class Forbidden(DomainError):
    """403: the caller may not do this (a rule of the service, beyond the model permissions a view checks)."""

    status = 403
    code = "permission_denied"
    title = "Permission denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class InvalidTransition(Conflict):
    title = "Status change not allowed"


class InsufficientStock(DomainError):
    """`shortages` is a list of {"product": id, "available": n} for every short product."""

    status = 409
    code = "insufficient_stock"
    title = "Insufficient stock"

    def __init__(self, shortages: list[dict], detail: str = "Not enough stock for one or more products."):
        super().__init__(detail, extra={"shortages": shortages})
        self.shortages = shortages


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class InvalidInput(DomainError):
    """400 `validation_error` with field errors, for rules a service checks: `InvalidInput({"parent": [msg]})`."""

    title = "Validation failed"

    def __init__(self, errors: dict, detail: str = "One or more fields are invalid."):
        super().__init__(detail, extra={"errors": errors})
        self.errors = errors


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"
