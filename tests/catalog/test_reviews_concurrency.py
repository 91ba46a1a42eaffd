"""Concurrent reviews, edits and moderation of one product keep its summary exact (PostgreSQL row locks)."""

import threading
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from shop.catalog.models import Product, Review
from shop.catalog.reviews import review_moderate, review_submit
from tests.conftest import with_every_permission
from tests.factories import ProductFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_SUM, BASE_COUNT = Decimal("468"), 120  # the seeded 3.90 over 120


def run_at_once(calls) -> list[Exception]:
    """Run the calls in threads released together; returns what they raised."""
    barrier = threading.Barrier(len(calls))
    failures = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return failures


def fresh(product) -> Product:
    return Product.objects.get(pk=product.pk)


def assert_summary_is_base_plus_approved(product):
    approved = Review.objects.filter(product=product, status=Review.Status.APPROVED).aggregate(
        total=Sum("rating"), count=Count("id")
    )
    total, count = BASE_SUM + (approved["total"] or 0), BASE_COUNT + approved["count"]
    product.refresh_from_db()
    assert (product.rating_sum, product.rating_count) == (total, count)
    assert product.rating_rate == (total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_concurrent_raters_do_not_lose_updates():
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    users = UserFactory.create_batch(8)
    calls = [lambda user=user: review_submit(product=fresh(product), user=user, rating=5) for user in users]
    assert run_at_once(calls) == []
    assert Review.objects.filter(product=product).count() == 8
    assert_summary_is_base_plus_approved(product)
    assert product.rating_rate == Decimal("3.97")  # 508 / 128


def test_concurrent_posts_by_one_user_leave_one_review():
    product = ProductFactory()
    user = UserFactory()
    calls = [
        lambda value=value: review_submit(product=fresh(product), user=user, rating=value) for value in (1, 2, 3, 4)
    ]
    assert run_at_once(calls) == []
    final = Review.objects.get(product=product, user=user)
    product.refresh_from_db()
    assert (product.rating_sum, product.rating_count) == (Decimal(final.rating), 1)


def test_moderation_edits_and_new_reviews_at_once_keep_the_summary_exact():
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    moderator = with_every_permission(StaffFactory())
    waiting = [review_submit(product=product, user=UserFactory(), rating=1, title="Words")[0] for _ in range(3)]
    counted = [review_submit(product=product, user=UserFactory(), rating=2)[0] for _ in range(3)]
    calls = [lambda r=r: review_moderate(review=r, status="approved", by=moderator) for r in waiting]
    calls += [
        lambda r=r: review_submit(product=fresh(product), user=r.user, rating=5, body="Now with words") for r in counted
    ]
    calls += [lambda: review_submit(product=fresh(product), user=UserFactory(), rating=4) for _ in range(3)]
    assert run_at_once(calls) == []
    assert_summary_is_base_plus_approved(product)
    assert Review.objects.filter(product=product, status=Review.Status.APPROVED).count() == 6
