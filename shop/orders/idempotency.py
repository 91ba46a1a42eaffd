"""`Idempotency-Key` for checkout, with Stripe's semantics.

* A key is stored per user with a SHA-256 fingerprint of the request (the cart id and the canonical JSON
  body) for IDEMPOTENCY_KEY_TTL_HOURS (24). The same key and request again → the stored status and body,
  nothing is done twice. The same key with another request → 422 `idempotency_key_reused`.
* The key row is inserted first, in its own committed transaction, so the unique constraint
  (user, key) decides between concurrent requests: the loser gets the stored answer when the winner has
  finished, or 409 `conflict` while it is still in flight (`response_status` is null).
* The operation and the stored answer commit together. A domain error (4xx: insufficient stock, empty
  cart, bad address, ...) is stored and replayed like a success, as Stripe does; an unexpected error (5xx)
  deletes the key so the client can retry. Requests rejected before the key is claimed (bad body, unknown
  cart, throttling) store nothing. An expired key may be used again.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.core.errors import problem
from shop.core.exceptions import Conflict, DomainError, IdempotencyKeyReused
from shop.orders.models import IdempotencyKey, Order

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces, as Stripe's keys


def key_is_valid(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


def request_fingerprint(*, scope: str, body) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of the scope (e.g. the cart) and the body."""
    canonical = json.dumps({"scope": scope, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _claim(*, user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Insert the key row (committed at once) → (row, True); or the existing finished row → (row, False)."""
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    expires_at = now + timezone.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, request_fingerprint=fingerprint, expires_at=expires_at
            )
            return record, True
    except IntegrityError:
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None or record.response_status is None:
        if record is not None and record.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.") from None
        raise Conflict("A request with this Idempotency-Key is in progress; retry shortly.") from None
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.")
    return record, False


def idempotent_call(
    *, user, key: str, fingerprint: str, operation: Callable[[], tuple[int, dict, Order | None]]
) -> tuple[int, dict, bool]:
    """Run `operation` at most once per (user, key) → (status, body, replayed).

    Call it in autocommit mode (not inside an outer transaction), so the key row is visible to concurrent
    requests as soon as it is claimed.
    """
    record, claimed = _claim(user=user, key=key, fingerprint=fingerprint)
    if not claimed:
        return record.response_status, record.response_body, True
    try:
        with transaction.atomic():
            status, body, order = operation()
            _store(record, status, body, order)
    except DomainError as exc:
        body = problem(exc.status, exc.code, exc.title, exc.detail, **exc.extra)
        _store(record, exc.status, body, None)
        return exc.status, body, False
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    return status, body, False


def _store(record: IdempotencyKey, status: int, body: dict, order: Order | None) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(
        response_status=status, response_body=json.loads(json.dumps(body, default=str)), order=order
    )


def idempotency_keys_cleanup(*, now: datetime | None = None) -> int:
    """Delete expired keys; returns how many. Safe to run on several machines at once (a plain DELETE)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
