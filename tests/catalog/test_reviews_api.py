"""`/products/{id}/reviews/` and `/products/{id}/reviews/mine/` (API.md, "Reviews")."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.catalog.models import Review
from shop.catalog.reviews import review_submit
from tests.factories import ProductFactory, ReviewFactory, UserFactory
from tests.helpers import assert_fields_refused, assert_problem, queries_for_page

pytestmark = pytest.mark.django_db


def reviews_url(product) -> str:
    return f"/api/v1/products/{product.pk}/reviews/"


def mine_url(product) -> str:
    return f"/api/v1/products/{product.pk}/reviews/mine/"


def summary(product) -> tuple[Decimal, int]:
    product.refresh_from_db(fields=["rating_rate", "rating_count"])
    return product.rating_rate, product.rating_count


def test_the_list_shows_approved_reviews_newest_first_in_the_contracts_shape(api_client):
    product = ProductFactory()
    jane = UserFactory(first_name="Jane", last_name="Doe", email="jane@example.com")
    older = ReviewFactory(product=product, user=jane, rating=5, title="Great", body="Fits well.")
    newer = ReviewFactory(product=product, rating=3)
    Review.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    ReviewFactory(product=product, status=Review.Status.PENDING, title="Waiting")
    ReviewFactory(product=product, status=Review.Status.REJECTED, title="Spam")
    ReviewFactory(rating=1)  # another product's

    body = api_client.get(reviews_url(product)).json()

    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    row = body["results"][1]
    assert set(row) == {"id", "author", "rating", "title", "body", "verified_purchase", "created_at"}
    assert (row["author"], row["rating"], row["title"], row["body"]) == ("Jane D.", 5, "Great", "Fits well.")
    assert row["verified_purchase"] is False
    assert "jane@example.com" not in str(body)


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("Jane", "Doe", "Jane D."),
        ("Jane", "", "Jane"),
        ("", "Doe", "D."),
        ("", "", "A customer"),
        (" Jo ", " ö", "Jo ö."),
    ],
)
def test_the_author_is_the_first_name_and_last_initial_never_the_email(api_client, first, last, shown):
    review = ReviewFactory(user=UserFactory(first_name=first, last_name=last, email="secret@example.com"))
    [row] = api_client.get(reviews_url(review.product)).json()["results"]
    assert row["author"] == shown


def test_the_list_is_paginated_in_a_fixed_number_of_queries(api_client):
    product = ProductFactory()
    ReviewFactory.create_batch(3, product=product)
    few = queries_for_page(api_client, reviews_url(product))
    ReviewFactory.create_batch(30, product=product)
    many = queries_for_page(api_client, reviews_url(product), page_size=30)
    assert many == few
    body = api_client.get(reviews_url(product), {"page_size": 10, "page": 2}).json()
    assert (body["count"], len(body["results"])) == (33, 10)


def test_an_inactive_product_has_no_public_reviews(api_client):
    review = ReviewFactory(product=ProductFactory(is_active=False))
    assert_problem(api_client.get(reviews_url(review.product)), 404, "not_found")


def test_a_bare_rating_is_approved_at_once_and_counted(customer_client):
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    response = customer_client.post(reviews_url(product), {"rating": 5}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rating"], body["title"], body["body"]) == ("approved", 5, "", "")
    assert set(body) == {"id", "author", "rating", "title", "body", "verified_purchase", "created_at", "status"}
    assert summary(product) == (Decimal("3.91"), 121)  # (468 + 5) / 121


def test_a_review_with_words_waits_for_moderation_unlisted_and_uncounted(customer_client, api_client):
    product = ProductFactory()
    response = customer_client.post(reviews_url(product), {"rating": 1, "title": "Broke"}, format="json")
    assert (response.status_code, response.json()["status"]) == (201, "pending")
    assert api_client.get(reviews_url(product)).json()["count"] == 0
    assert summary(product) == (Decimal("0.00"), 0)


def test_a_second_post_replaces_the_first_with_200(customer_client, customer):
    product = ProductFactory()
    first = customer_client.post(reviews_url(product), {"rating": 2, "title": "Meh", "body": "Hm."}, format="json")
    second = customer_client.post(reviews_url(product), {"rating": 4}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    review = Review.objects.get(product=product, user=customer)
    assert (review.rating, review.title, review.body, review.status) == (4, "", "", "approved")
    assert summary(product) == (Decimal("4.00"), 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": None}, "rating"),
        ({}, "rating"),
        ({"rating": 4, "title": "x" * 121}, "title"),
        ({"rating": 4, "body": "x" * 5001}, "body"),
        ({"rating": 4, "title": None}, "title"),
    ],
)
def test_bad_input_is_a_validation_problem_and_changes_nothing(customer_client, customer, body, field):
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    review_submit(product=product, user=customer, rating=2)
    problem = assert_problem(customer_client.post(reviews_url(product), body, format="json"), 400, "validation_error")
    assert field in problem["errors"]
    assert Review.objects.get(product=product, user=customer).rating == 2
    assert summary(product) == (Decimal("3.88"), 121)  # (468 + 2) / 121


def test_the_limits_themselves_are_accepted(customer_client):
    product = ProductFactory()
    response = customer_client.post(reviews_url(product), {"rating": 3, "title": "t" * 120, "body": "b" * 5000})
    assert response.status_code == 201, response.content


def test_a_review_body_refuses_fields_it_does_not_take(customer_client, other_customer):
    product = ProductFactory()
    body = {"rating": 5, "status": "approved", "user": other_customer.pk, "verified_purchase": True}
    assert_fields_refused(
        customer_client.post(reviews_url(product), body, format="json"),
        unknown=("status", "user", "verified_purchase"),
    )
    assert not Review.objects.exists()


def test_review_text_is_plain_text_returned_as_written_in_json(customer_client, staff_client):
    product = ProductFactory()
    script = '<script>alert("x")</script>'
    response = customer_client.post(reviews_url(product), {"rating": 5, "title": script, "body": script})
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == script
    staff_client.post(f"/api/v1/reviews/{response.json()['id']}/moderate/", {"status": "approved"})
    listed = customer_client.get(reviews_url(product))
    assert listed["Content-Type"] == "application/json"
    assert listed.json()["results"][0]["body"] == script


def test_anonymous_callers_cannot_review(api_client):
    product = ProductFactory()
    assert_problem(api_client.post(reviews_url(product), {"rating": 5}), 401, "not_authenticated")
    assert_problem(api_client.delete(mine_url(product)), 401, "not_authenticated")


def test_delete_mine_removes_the_callers_review_and_its_count(customer_client, customer, other_customer):
    product = ProductFactory()
    review_submit(product=product, user=customer, rating=5)
    review_submit(product=product, user=other_customer, rating=1)
    assert customer_client.delete(mine_url(product)).status_code == 204
    assert list(Review.objects.values_list("user", flat=True)) == [other_customer.pk]
    assert summary(product) == (Decimal("1.00"), 1)


def test_delete_mine_without_a_review_is_not_found(customer_client, other_customer):
    product = ProductFactory()
    review_submit(product=product, user=other_customer, rating=1)
    assert_problem(customer_client.delete(mine_url(product)), 404, "not_found")
    assert Review.objects.count() == 1


def test_paths_without_the_trailing_slash_work_too(customer_client):
    product = ProductFactory()
    url = f"/api/v1/products/{product.pk}/reviews"
    assert customer_client.post(url, {"rating": 4}, format="json").status_code == 201
    assert customer_client.delete(f"{url}/mine").status_code == 204
