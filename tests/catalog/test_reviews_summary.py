"""The review services keep the product's stored summary exact (approved reviews on top of the seeded base),
and verified purchases come from delivered orders (shop/catalog/reviews.py)."""

from decimal import Decimal

import pytest

from shop.catalog.models import Purchase, Review
from shop.catalog.reviews import purchases_record, review_delete, review_moderate, review_submit
from shop.catalog.selectors import review_product_id
from shop.core.exceptions import Forbidden, InvalidInput
from shop.orders.services import order_place, order_set_status
from tests.factories import CartWithLinesFactory, CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

APPROVED, PENDING, REJECTED = Review.Status.APPROVED, Review.Status.PENDING, Review.Status.REJECTED


def summary(product) -> tuple[Decimal, Decimal, int]:
    product.refresh_from_db(fields=["rating_rate", "rating_sum", "rating_count"])
    return product.rating_rate, product.rating_sum, product.rating_count


@pytest.fixture
def seeded():
    """Like the FakeStore fixtures: 3.90 over 120 ratings (a sum of 468) and no rows behind it."""
    return ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)


def test_the_rating_average_does_not_drift():
    """12 ratings of 5, four of them first given as 4: the old rounded-average arithmetic showed 4.98."""
    product = ProductFactory()
    users = [UserFactory() for _ in range(12)]
    for index, user in enumerate(users):
        review_submit(product=product, user=user, rating=4 if index % 3 == 0 else 5)
    for user in users[::3]:
        review_submit(product=product, user=user, rating=5)
    assert summary(product) == (Decimal("5.00"), Decimal("60"), 12)


def test_a_rating_is_folded_into_the_seeded_base_exactly(seeded):
    for user in UserFactory.create_batch(3):
        review_submit(product=seeded, user=user, rating=1)
    assert summary(seeded) == (Decimal("3.83"), Decimal("471"), 123)


def test_adding_words_to_an_approved_rating_takes_it_out_until_approved(seeded, staff):
    user = UserFactory()
    review, created = review_submit(product=seeded, user=user, rating=5)
    assert (created, review.status, summary(seeded)[1:]) == (True, APPROVED, (Decimal("473"), 121))
    review, created = review_submit(product=seeded, user=user, rating=5, title="Love it")
    assert (created, review.status, summary(seeded)) == (False, PENDING, (Decimal("3.90"), Decimal("468"), 120))
    review_moderate(review=review, status=APPROVED, by=staff)
    assert summary(seeded)[1:] == (Decimal("473"), 121)


def test_changing_only_the_stars_of_a_moderated_review_keeps_its_status(seeded, staff):
    user = UserFactory()
    review, _ = review_submit(product=seeded, user=user, rating=5, title="Love it")
    review_moderate(review=review, status=APPROVED, by=staff)
    review, _ = review_submit(product=seeded, user=user, rating=2, title="Love it")
    assert (review.status, summary(seeded)[1:]) == (APPROVED, (Decimal("470"), 121))
    review_moderate(review=review, status=REJECTED, by=staff)
    review, _ = review_submit(product=seeded, user=user, rating=4, title="Love it")
    assert (review.status, summary(seeded)[1:]) == (REJECTED, (Decimal("468"), 120))


def test_new_words_send_a_moderated_review_back_to_moderation(seeded, staff):
    user = UserFactory()
    review, _ = review_submit(product=seeded, user=user, rating=5, title="Love it")
    review_moderate(review=review, status=REJECTED, by=staff)
    review, _ = review_submit(product=seeded, user=user, rating=5, title="Still love it")
    assert (review.status, summary(seeded)[2]) == (PENDING, 120)


def test_dropping_the_words_makes_a_bare_rating_that_counts_at_once(seeded):
    user = UserFactory()
    review_submit(product=seeded, user=user, rating=3, title="Hm", body="Not sure.")
    review, _ = review_submit(product=seeded, user=user, rating=3, title="  ", body="")
    assert (review.status, review.title, summary(seeded)[1:]) == (APPROVED, "", (Decimal("471"), 121))


def test_deleting_takes_out_only_what_was_counted(seeded):
    counted, waiting = UserFactory(), UserFactory()
    kept, _ = review_submit(product=seeded, user=counted, rating=5)
    pending, _ = review_submit(product=seeded, user=waiting, rating=1, body="Awful")
    review_delete(review=pending)
    assert summary(seeded)[1:] == (Decimal("473"), 121)
    review_delete(review=kept)
    assert summary(seeded) == (Decimal("3.90"), Decimal("468"), 120)


def test_the_service_refuses_out_of_range_ratings_and_long_words(seeded):
    user = UserFactory()
    for kwargs in ({"rating": 0}, {"rating": 6}, {"rating": True}, {"rating": 3, "title": "t" * 121}):
        with pytest.raises(InvalidInput):
            review_submit(product=seeded, user=user, **kwargs)
    with pytest.raises(InvalidInput):
        review_submit(product=seeded, user=user, rating=3, body="b" * 5001)
    assert not Review.objects.exists()
    assert summary(seeded)[2] == 120


def test_moderating_needs_the_permission(customer):
    review, _ = review_submit(product=ProductFactory(), user=customer, rating=4, title="Mine")
    with pytest.raises(Forbidden):
        review_moderate(review=review, status=APPROVED, by=customer)


# --- Verified purchases -----------------------------------------------------------------------------


def deliver(product, customer, staff):
    """An order of the product, placed by the customer and moved to delivered by staff."""
    order = order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=customer)
    for status in ("paid", "shipped", "delivered"):
        order = order_set_status(order=order, status=status, by=staff)
    return order


def test_a_delivered_order_makes_the_review_a_verified_purchase(staff):
    product, customer = ProductFactory(stock=5), CustomerFactory()
    review, _ = review_submit(product=product, user=customer, rating=4)
    assert review.verified_purchase is False
    deliver(product, customer, staff)
    review.refresh_from_db()
    assert review.verified_purchase is True


def test_a_review_written_after_delivery_is_verified_at_once(staff):
    product, customer = ProductFactory(stock=5), CustomerFactory()
    deliver(product, customer, staff)
    review, _ = review_submit(product=product, user=customer, rating=4)
    assert review.verified_purchase is True


def test_an_order_not_yet_delivered_verifies_nothing(staff):
    product, customer = ProductFactory(stock=5), CustomerFactory()
    order = order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=customer)
    order_set_status(order=order, status="paid", by=staff)
    order_set_status(order=order, status="shipped", by=staff)
    review, _ = review_submit(product=product, user=customer, rating=4)
    assert review.verified_purchase is False
    assert not Purchase.objects.exists()


def test_someone_elses_delivery_verifies_nothing(staff, other_customer):
    product, customer = ProductFactory(stock=5), CustomerFactory()
    deliver(product, customer, staff)
    review, _ = review_submit(product=product, user=other_customer, rating=4)
    assert review.verified_purchase is False


def test_recording_a_purchase_twice_is_harmless(customer):
    product = ProductFactory()
    review_submit(product=product, user=customer, rating=3)
    assert purchases_record(user=customer, product_ids=[product.pk]) == 1
    assert purchases_record(user=customer, product_ids=[product.pk, product.pk]) == 0
    assert Purchase.objects.count() == 1


def test_the_api_shows_the_verified_purchase(staff, api_client):
    product, customer = ProductFactory(stock=5), CustomerFactory()
    deliver(product, customer, staff)
    review_submit(product=product, user=customer, rating=5)
    [row] = api_client.get(f"/api/v1/products/{product.pk}/reviews/").json()["results"]
    assert row["verified_purchase"] is True


# --- Variants ---------------------------------------------------------------------------------------


def test_a_variant_is_reviewed_under_its_parent_id():
    parent, variant = ProductFactory(), ProductFactory()
    assert review_product_id(variant) == variant.pk
    variant.parent_id = parent.pk  # what Product.parent holds for a variant
    assert review_product_id(variant) == parent.pk


def test_a_review_of_a_variant_is_filed_under_its_parent(customer):
    parent = ProductFactory(structure="parent", stock=0)
    child = ProductFactory(structure="child", parent=parent, stock=3)
    review, _ = review_submit(product=child, user=customer, rating=4)
    assert review.product_id == parent.pk
    parent.refresh_from_db()
    assert parent.rating_count == 1


def test_a_delivered_variant_verifies_a_review_of_its_parent(staff):
    parent = ProductFactory(structure="parent", stock=0)
    child = ProductFactory(structure="child", parent=parent, stock=3)
    customer = CustomerFactory()
    deliver(child, customer, staff)
    review, _ = review_submit(product=parent, user=customer, rating=5)
    assert review.verified_purchase is True
