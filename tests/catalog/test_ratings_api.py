"""`/products/{id}/rating/` as today's clients use it: a rating there is a bare review."""

from decimal import Decimal

import pytest

from shop.catalog.models import Review
from shop.catalog.reviews import review_delete, review_submit
from tests.factories import ProductFactory, ReviewFactory, UserFactory
from tests.helpers import assert_fields_refused, assert_problem

pytestmark = pytest.mark.django_db


def rating_url(product) -> str:
    return f"/api/v1/products/{product.pk}/rating/"


@pytest.fixture
def seeded():
    """Like the FakeStore fixtures: a summary of 3.90 over 120 ratings and no Rating rows behind it."""
    return ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)


def summary(product) -> tuple[Decimal, int]:
    product.refresh_from_db(fields=["rating_rate", "rating_count"])
    return product.rating_rate, product.rating_count


def test_anyone_reads_the_summary_with_mine_null(api_client, seeded):
    assert api_client.get(rating_url(seeded)).json() == {"rate": "3.90", "count": 120, "mine": None}


def test_a_customer_sees_their_own_value(customer_client, customer, seeded):
    ReviewFactory(product=seeded, user=customer, rating=2)
    assert customer_client.get(rating_url(seeded)).json()["mine"] == 2


def test_first_rating_is_folded_into_the_seeded_summary(customer_client, seeded):
    response = customer_client.post(rating_url(seeded), {"value": 5}, format="json")
    assert response.status_code == 200, response.content
    # (3.90 * 120 + 5) / 121 = 3.9090...
    assert response.json() == {"rate": "3.91", "count": 121, "mine": 5}
    assert summary(seeded) == (Decimal("3.91"), 121)


def test_a_second_post_replaces_the_callers_rating(customer_client, customer):
    product = ProductFactory()
    customer_client.post(rating_url(product), {"value": 2}, format="json")
    response = customer_client.post(rating_url(product), {"value": 4}, format="json")
    assert response.json() == {"rate": "4.00", "count": 1, "mine": 4}
    assert list(Review.objects.filter(product=product).values_list("user", "rating", "status")) == [
        (customer.pk, 4, "approved")
    ]


def test_ratings_of_several_users_average(customer_client, other_client):
    product = ProductFactory()
    customer_client.post(rating_url(product), {"value": 5}, format="json")
    response = other_client.post(rating_url(product), {"value": 2}, format="json")
    assert response.json() == {"rate": "3.50", "count": 2, "mine": 2}


def test_delete_removes_the_callers_rating_from_the_summary(customer_client, other_client, customer):
    product = ProductFactory()
    customer_client.post(rating_url(product), {"value": 5}, format="json")
    other_client.post(rating_url(product), {"value": 2}, format="json")
    assert customer_client.delete(rating_url(product)).status_code == 204
    assert summary(product) == (Decimal("2.00"), 1)
    assert not Review.objects.filter(product=product, user=customer).exists()


def test_deleting_the_last_rating_resets_the_rate_to_zero(customer_client):
    product = ProductFactory()
    customer_client.post(rating_url(product), {"value": 3}, format="json")
    customer_client.delete(rating_url(product))
    assert summary(product) == (Decimal("0.00"), 0)


def test_delete_without_a_rating_is_not_found(customer_client, seeded):
    assert_problem(customer_client.delete(rating_url(seeded)), 404, "not_found")
    assert summary(seeded) == (Decimal("3.90"), 120)


def test_a_customer_cannot_delete_someone_elses_rating(customer_client, other_customer, seeded):
    ReviewFactory(product=seeded, user=other_customer, rating=1)
    assert_problem(customer_client.delete(rating_url(seeded)), 404, "not_found")
    assert Review.objects.filter(user=other_customer).exists()


@pytest.mark.parametrize("value", [0, 6, "five", None, 4.5])
def test_values_outside_one_to_five_are_validation_problems(customer_client, seeded, value):
    body = assert_problem(
        customer_client.post(rating_url(seeded), {"value": value}, format="json"), 400, "validation_error"
    )
    assert "value" in body["errors"]
    assert summary(seeded) == (Decimal("3.90"), 120)
    assert not Review.objects.exists()


@pytest.mark.parametrize("method", ["post", "delete"])
def test_anonymous_cannot_rate(api_client, seeded, method):
    response = getattr(api_client, method)(rating_url(seeded), {"value": 5}, format="json")
    assert_problem(response, 401, "not_authenticated")


def test_an_inactive_product_cannot_be_rated_by_customers(customer_client):
    product = ProductFactory(is_active=False)
    assert_problem(customer_client.post(rating_url(product), {"value": 5}, format="json"), 404, "not_found")


def test_the_rating_summary_cannot_be_written_through_the_product(staff_client, seeded):
    response = staff_client.patch(
        f"/api/v1/products/{seeded.pk}/", {"rating": {"rate": "1.00", "count": 1}}, format="json"
    )
    assert_fields_refused(response, read_only=("rating",))
    assert summary(seeded) == (Decimal("3.90"), 120)


def test_rating_a_product_with_a_review_changes_only_its_stars_and_keeps_the_words(customer_client, customer):
    product = ProductFactory()
    review, _ = review_submit(product=product, user=customer, rating=2, title="Too small", body="Runs small.")
    Review.objects.filter(pk=review.pk).update(status=Review.Status.APPROVED)  # moderated meanwhile
    product.refresh_from_db()
    response = customer_client.post(rating_url(product), {"value": 3}, format="json")
    review.refresh_from_db()
    assert (review.rating, review.title, review.body, review.status) == (3, "Too small", "Runs small.", "approved")
    assert response.json()["mine"] == 3


def test_mine_is_the_callers_value_also_while_their_review_waits(customer_client, customer):
    product = ProductFactory()
    review_submit(product=product, user=customer, rating=4, title="Nice")
    assert customer_client.get(rating_url(product)).json() == {"rate": "0.00", "count": 0, "mine": 4}


def test_delete_removes_the_callers_whole_review(customer_client, customer):
    product = ProductFactory()
    review_submit(product=product, user=customer, rating=4, title="Nice")
    assert customer_client.delete(rating_url(product)).status_code == 204
    assert not Review.objects.exists()


def test_review_services_set_replace_and_delete_update_the_summary_incrementally():
    product = ProductFactory(rating_rate=Decimal("5.00"), rating_count=1)
    user = UserFactory()
    review_submit(product=product, user=user, rating=5)
    review, created = review_submit(product=product, user=user, rating=1)
    assert not created
    assert summary(product) == (Decimal("3.00"), 2)
    review_delete(review=review)
    assert summary(product) == (Decimal("5.00"), 1)
