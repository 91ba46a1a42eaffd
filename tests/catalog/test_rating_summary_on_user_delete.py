from decimal import Decimal

import pytest

from shop.accounts.services import user_delete
from shop.catalog.models import Review
from shop.catalog.reviews import review_submit
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_user_takes_their_ratings_out_of_the_summaries():
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    leaving, staying = UserFactory(), UserFactory()
    review_submit(product=product, user=leaving, rating=5)
    review_submit(product=product, user=staying, rating=1)

    user_delete(user=leaving)

    product.refresh_from_db()
    assert product.rating_count == 121
    assert product.rating_rate == ((Decimal("3.90") * 120 + 1) / 121).quantize(Decimal("0.01"))


def test_deleting_a_user_through_the_admin_keeps_the_summary(admin_client):
    product = ProductFactory()
    leaving = UserFactory()
    review_submit(product=product, user=leaving, rating=4)

    response = admin_client.post(f"/admin/accounts/user/{leaving.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.rating_count, product.rating_rate) == (0, Decimal("0"))


def test_deleting_a_user_with_a_waiting_review_leaves_the_summary_alone():
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    leaving = UserFactory()
    review_submit(product=product, user=leaving, rating=1, title="Never counted")

    user_delete(user=leaving)

    product.refresh_from_db()
    assert (product.rating_rate, product.rating_count) == (Decimal("3.90"), 120)
    assert not Review.objects.exists()
