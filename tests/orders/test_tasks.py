from datetime import timedelta

import pytest
from django.utils import timezone

from shop.orders import tasks
from shop.orders.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def test_cleanup_task_deletes_only_expired_keys_and_is_idempotent(customer):
    now = timezone.now()
    for key, hours in (("old", -1), ("new", 1)):
        IdempotencyKey.objects.create(
            user=customer, key=key, request_fingerprint="f", expires_at=now + timedelta(hours=hours)
        )
    assert tasks.cleanup_idempotency_keys.apply().get() == 1
    assert tasks.cleanup_idempotency_keys.apply().get() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
