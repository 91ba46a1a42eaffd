"""`Idempotency-Key` for checkout, with Stripe's semantics.

* A key is stored per user with a SHA-256 fingerprint of the request (the cart id and the canonical JSON
  body) for IDEMPOTENCY_KEY_TTL_HOURS (24). The same key and request again → the stored status and body,
  nothing is done twice. The same key with another request → 422 `idempotency_key_reused`.
* The key row is inserted first, in its own committed transaction, so the unique constraint (user, key)
  decides between concurrent requests. The winner holds a lease (`locked_until`, IDEMPOTENCY_LEASE_SECONDS,
  longer than the request timeout): while it runs, the same key answers 409 `conflict`. A lease that lapses
  without an answer means the attempt died (worker killed, database connection lost): the next request
  with the key takes it over and runs.
* The work and its stored answer commit together, and the answer is stored only while the attempt still
  holds its lease, so an attempt that was taken over cannot place a second order: it is rolled back.
* A domain error (4xx: insufficient stock, empty cart, no address, ...) is stored and replayed like a
  success, as Stripe does; an unexpected error (5xx) gives the key up so the client can retry at once.
  Requests refused before the key is claimed (bad body, unknown cart, throttling) store nothing. An expired
  key may be used again.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shop.core.errors import problem
from shop.core.exceptions import Conflict, DomainError, IdempotencyKeyReused
from shop.orders.models import IdempotencyKey, Order, idempotency_key_expiry, idempotency_lease_end

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces, as Stripe's keys
IN_PROGRESS = "A request with this Idempotency-Key is in progress; retry shortly."


class LeaseLost(Conflict):
    """The attempt ran past its lease and a newer request took the key over; this attempt's work is undone."""


@dataclass
class Attempt:
    """One request under a key: a replay of the stored answer, or the run that produces it."""

    record: IdempotencyKey
    replayed: bool
    status: int | None = None
    body: dict | None = None
    order: Order | None = None

    def succeed(self, *, status: int, body: dict, order: Order | None = None) -> None:
        """Report what the operation produced; it is stored when the `idempotent_attempt` block ends."""
        self.status, self.body, self.order = status, body, order


def key_is_valid(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


def request_fingerprint(*, scope: str, body) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of the scope (e.g. the cart) and the body."""
    canonical = json.dumps({"scope": scope, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@contextmanager
def idempotent_attempt(*, user, key: str, fingerprint: str) -> Iterator[Attempt]:
    """Run the block at most once per (user, key); afterwards `attempt.status` and `attempt.body` are the answer.

    When the key already has an answer, `attempt.replayed` is true and the block must do nothing. Otherwise
    the block runs in a transaction and reports its result with `attempt.succeed(...)`; a `DomainError` it
    raises is undone and becomes the stored answer (a problem document) instead of propagating. Use it in
    autocommit mode (not inside an outer transaction), so the claimed key is visible to concurrent requests.
    """
    record, claimed = _claim(user=user, key=key, fingerprint=fingerprint)
    attempt = Attempt(record, replayed=not claimed, status=record.response_status, body=record.response_body)
    if attempt.replayed:
        yield attempt
        return
    try:
        with transaction.atomic():
            yield attempt
            _store(attempt)
    except LeaseLost:
        raise
    except DomainError as exc:
        attempt.succeed(status=exc.status, body=problem(exc.status, exc.code, exc.title, exc.detail, **exc.extra))
        _store(attempt)
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk, locked_until=record.locked_until).delete()
        raise


def _claim(*, user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Insert the key row (committed at once) or take over one whose attempt died → (row, True);
    the existing answered row → (row, False)."""
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, request_fingerprint=fingerprint, expires_at=idempotency_key_expiry()
            )
            return record, True
    except IntegrityError:
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None:
        raise Conflict(IN_PROGRESS) from None
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.") from None
    if record.response_status is None and not _take_over(record, now):
        raise Conflict(IN_PROGRESS) from None
    return record, record.response_status is None


def _take_over(record: IdempotencyKey, now: datetime) -> bool:
    """Renew the lease of an unanswered key whose lease has lapsed; False while its attempt is still alive.
    One conditional UPDATE, so of two requests arriving together only one takes it over."""
    lease = idempotency_lease_end()
    lapsed = Q(locked_until__lte=now) | Q(locked_until__isnull=True)
    taken = IdempotencyKey.objects.filter(lapsed, pk=record.pk, response_status__isnull=True).update(locked_until=lease)
    record.locked_until = lease
    return bool(taken)


def _store(attempt: Attempt) -> None:
    """Store the answer (as the JSON it will be replayed as) if the attempt still holds its lease."""
    if attempt.status is None:
        raise RuntimeError("The idempotent block neither reported a result nor raised a domain error.")
    attempt.body = json.loads(json.dumps(attempt.body, default=str))
    record = attempt.record
    stored = IdempotencyKey.objects.filter(pk=record.pk, locked_until=record.locked_until).update(
        response_status=attempt.status, response_body=attempt.body, order=attempt.order
    )
    if not stored:
        raise LeaseLost("This checkout ran too long and a retry took its Idempotency-Key over; nothing was done.")


def idempotency_keys_cleanup(*, now: datetime | None = None) -> int:
    """Delete expired keys; returns how many. Safe to run on several machines at once (a plain DELETE)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
