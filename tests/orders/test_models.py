from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from shop.orders.models import IdempotencyKey
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_order_numbers_are_unique():
    order = OrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(number=order.number)


def test_order_total_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(total=Decimal("-1.00"))


def test_idempotency_key_is_unique_per_user(customer):
    expires = timezone.now() + timedelta(hours=24)
    IdempotencyKey.objects.create(user=customer, key="k-1", request_fingerprint="a", expires_at=expires)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(user=customer, key="k-1", request_fingerprint="b", expires_at=expires)


@pytest.mark.parametrize("field", ["subtotal", "total"])
def test_database_refuses_an_order_total_beyond_its_columns(field):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():  # SQLite: the check; PostgreSQL: numeric
        OrderFactory(**{field: Decimal("10000000000.00")})
