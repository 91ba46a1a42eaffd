"""The moderators' `/reviews/` and `/reviews/{id}/moderate/` (API.md, "Reviews")."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from shop.catalog.models import Review
from shop.catalog.reviews import review_submit
from tests.conftest import client_for
from tests.factories import ProductFactory, ReviewFactory, StaffFactory
from tests.helpers import assert_fields_refused, assert_problem, queries_for_page

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/"


def moderate_url(review) -> str:
    return f"{URL}{review.pk}/moderate/"


def staff_with(*codenames):
    staff = StaffFactory()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames))
    return client_for(staff)


def summary(product) -> tuple[Decimal, int]:
    product.refresh_from_db(fields=["rating_rate", "rating_count"])
    return product.rating_rate, product.rating_count


def test_staff_list_every_status_and_filter_by_it(staff_client):
    pending = ReviewFactory(status=Review.Status.PENDING, title="Hm")
    ReviewFactory(status=Review.Status.APPROVED)
    rejected = ReviewFactory(status=Review.Status.REJECTED, title="Spam")
    assert staff_client.get(URL).json()["count"] == 3
    [row] = staff_client.get(URL, {"status": "pending"}).json()["results"]
    assert (row["id"], row["status"], row["product"], row["user"]) == (
        pending.pk, "pending", pending.product_id, pending.user_id
    )  # fmt: skip
    assert [r["id"] for r in staff_client.get(URL, {"status": "rejected"}).json()["results"]] == [rejected.pk]


@pytest.mark.parametrize("query", [{"status": "hidden"}, {"rating": "9"}, {"verified_purchase": "maybe"}])
def test_unknown_filter_values_are_a_400(staff_client, query):
    assert_problem(staff_client.get(URL, query), 400, "validation_error")


def test_the_staff_list_makes_a_fixed_number_of_queries(staff_client):
    ReviewFactory.create_batch(2)
    few = queries_for_page(staff_client, URL)
    ReviewFactory.create_batch(25)
    assert queries_for_page(staff_client, URL, page_size=50) == few


def test_listing_needs_the_view_review_permission():
    ReviewFactory()
    assert_problem(staff_with("view_product").get(URL), 403, "permission_denied")
    assert staff_with("view_review").get(URL).status_code == 200


@pytest.mark.parametrize("codename", ["moderate_review", "change_review"])
def test_moderating_needs_the_moderate_or_change_permission(codename):
    review = ReviewFactory(status=Review.Status.PENDING, title="Hm")
    assert_problem(
        staff_with("view_review").post(moderate_url(review), {"status": "approved"}), 403, "permission_denied"
    )
    assert staff_with(codename).post(moderate_url(review), {"status": "approved"}).status_code == 200


def test_customers_neither_list_nor_moderate(customer_client):
    review = ReviewFactory(status=Review.Status.PENDING, title="Hm")
    assert_problem(customer_client.get(URL), 403, "permission_denied")
    assert_problem(customer_client.post(moderate_url(review), {"status": "approved"}), 403, "permission_denied")
    review.refresh_from_db()
    assert review.status == "pending"


def test_approving_lists_and_counts_the_review_and_rejecting_takes_it_out(staff_client, customer, api_client):
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    review, _ = review_submit(product=product, user=customer, rating=5, title="Great")
    response = staff_client.post(moderate_url(review), {"status": "approved"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert summary(product) == (Decimal("3.91"), 121)
    assert api_client.get(f"/api/v1/products/{product.pk}/reviews/").json()["count"] == 1

    staff_client.post(moderate_url(review), {"status": "rejected"}, format="json")
    assert summary(product) == (Decimal("3.90"), 120)
    assert api_client.get(f"/api/v1/products/{product.pk}/reviews/").json()["count"] == 0


def test_moderating_to_the_same_status_changes_nothing(staff_client, customer):
    product = ProductFactory()
    review, _ = review_submit(product=product, user=customer, rating=4, title="Ok")
    for _ in range(2):
        assert staff_client.post(moderate_url(review), {"status": "approved"}).status_code == 200
    assert summary(product) == (Decimal("4.00"), 1)


@pytest.mark.parametrize("body", [{"status": "pending"}, {"status": "deleted"}, {}])
def test_only_approved_or_rejected_are_moderation_statuses(staff_client, body):
    review = ReviewFactory(status=Review.Status.PENDING, title="Hm")
    problem = assert_problem(staff_client.post(moderate_url(review), body, format="json"), 400, "validation_error")
    assert "status" in problem["errors"]
    review.refresh_from_db()
    assert review.status == "pending"


def test_a_moderation_body_takes_only_the_status(staff_client):
    review = ReviewFactory(status=Review.Status.PENDING, title="Hm")
    response = staff_client.post(moderate_url(review), {"status": "approved", "rating": 1}, format="json")
    assert_fields_refused(response, unknown=("rating",))


def test_moderating_an_unknown_review_is_not_found(staff_client):
    assert_problem(staff_client.post(f"{URL}999999/moderate/", {"status": "approved"}), 404, "not_found")
