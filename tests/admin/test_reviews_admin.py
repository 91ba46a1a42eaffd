"""Review moderation in the admin: the same service as the API, filters, escaped text, the dashboard's count,
and the audit log of status changes."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from shop.catalog.models import Review
from shop.catalog.reviews import review_submit
from tests.admin.helpers import changelist, editable_widgets, messages_of, run_action
from tests.admin.test_import_export import preview
from tests.factories import ProductFactory, ReviewFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def summary(product) -> tuple[Decimal, int]:
    product.refresh_from_db(fields=["rating_rate", "rating_count"])
    return product.rating_rate, product.rating_count


def pending_review(product=None, rating=4, **words):
    review, _ = review_submit(
        product=product or ProductFactory(), user=UserFactory(), rating=rating, **({"title": "Words"} | words)
    )
    return review


def test_approve_and_reject_actions_go_through_the_service(admin_client):
    product = ProductFactory(rating_rate=Decimal("3.90"), rating_count=120)
    first, second = pending_review(product, rating=5), pending_review(product, rating=5)
    response = run_action(admin_client, Review, "approve", [first, second])
    assert response.status_code == 302
    assert messages_of(response) == ["2 review(s) approved."]
    assert summary(product) == (Decimal("3.92"), 122)  # (468 + 10) / 122
    response = run_action(admin_client, Review, "reject", [first, second])
    assert summary(product) == (Decimal("3.90"), 120)
    assert set(Review.objects.values_list("status", flat=True)) == {"rejected"}


def test_approving_counts_only_the_reviews_whose_status_changes(admin_client):
    product = ProductFactory()
    waiting, done = pending_review(product, rating=1), pending_review(product, rating=5)
    run_action(admin_client, Review, "approve", [done])
    response = run_action(admin_client, Review, "approve", [waiting, done])
    assert messages_of(response)[-1] == "1 review(s) approved (1 already approved)."
    assert summary(product) == (Decimal("3.00"), 2)


@pytest.mark.parametrize(("query", "expected"), [("status__exact=pending", 1), ("rating__exact=2", 1)])
def test_the_list_filters_by_status_and_rating(admin_client, query, expected):
    pending_review(rating=2)
    ReviewFactory(rating=5)
    response = admin_client.get(f"{changelist(Review)}?{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_the_list_filters_by_verified_purchase(admin_client):
    ReviewFactory(verified_purchase=True)
    ReviewFactory()
    response = admin_client.get(f"{changelist(Review)}?verified_purchase__exact=1")
    assert response.context["cl"].result_count == 1


def test_review_text_is_escaped_on_the_list_and_the_page(admin_client):
    review = pending_review(title=SCRIPT, body=SCRIPT)
    for url in (changelist(Review), reverse("admin:catalog_review_change", args=[review.pk])):
        html = admin_client.get(url).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


def test_the_review_page_is_read_only(admin_client):
    review = pending_review(body="Long words")
    html = admin_client.get(reverse("admin:catalog_review_change", args=[review.pk])).content.decode()
    assert not [name for name in editable_widgets(html) if name != "_export-item"]
    assert "Long words" in html
    assert admin_client.post(reverse("admin:catalog_review_change", args=[review.pk]), {"rating": 1}).status_code == 403
    assert admin_client.get(reverse("admin:catalog_review_add")).status_code == 403


def test_deleting_in_the_admin_takes_the_review_out_of_the_summary(admin_client):
    product = ProductFactory()
    kept, gone = (review_submit(product=product, user=UserFactory(), rating=r)[0] for r in (5, 1))
    run_action(admin_client, Review, "delete_selected", [gone], post="yes")
    assert summary(product) == (Decimal("5.00"), 1)
    admin_client.post(reverse("admin:catalog_review_delete", args=[kept.pk]), {"post": "yes"})
    assert summary(product) == (Decimal("0.00"), 0)


def test_catalog_managers_moderate_and_order_managers_do_not(catalog_client, client, order_manager):
    review = pending_review()
    assert run_action(catalog_client, Review, "approve", [review]).status_code == 302
    review.refresh_from_db()
    assert review.status == "approved"
    client.force_login(order_manager)
    assert client.get(changelist(Review)).status_code == 403


def test_staff_who_may_only_view_reviews_get_no_moderation_actions(client):
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_review"))
    client.force_login(viewer)
    review = pending_review()
    html = client.get(changelist(Review)).content.decode()
    assert 'value="approve"' not in html and 'value="reject"' not in html
    run_action(client, Review, "approve", [review])
    review.refresh_from_db()
    assert review.status == "pending"


def test_the_dashboard_shows_the_pending_count_with_a_link_to_them(admin_client):
    pending_review()
    pending_review()
    ReviewFactory()
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{changelist(Review)}?status__exact=pending">2 pending</a>' in html


def test_the_dashboard_hides_reviews_from_staff_without_view_review(order_client):
    pending_review()
    assert "dash-reviews" not in order_client.get(reverse("admin:index")).content.decode()


def test_moderation_is_in_the_audit_log_and_a_new_review_is_not(catalog_client, catalog_manager):
    review = pending_review()
    assert not LogEntry.objects.filter(object_pk=str(review.pk), content_type__model="review").exists()
    run_action(catalog_client, Review, "approve", [review])
    [entry] = LogEntry.objects.filter(object_pk=str(review.pk), content_type__model="review")
    assert entry.changes_dict == {"status": ["pending", "approved"]}
    assert (entry.actor, entry.additional_data["source"]) == (catalog_manager, "admin")


@pytest.mark.parametrize(
    "row", ["a@example.com,R-1,7,,", "a@example.com,R-1,4,,{long}", "a@example.com,R-1,4,{title},"]
)
def test_an_import_with_a_bad_review_row_imports_nothing(admin_client, row):
    product = ProductFactory(sku="R-1")
    UserFactory(email="a@example.com")
    UserFactory(email="b@example.com")
    content = "user,product,rating,title,body\nb@example.com,R-1,5,,\n" + row.format(long="b" * 5001, title="t" * 121)
    response = preview(admin_client, Review, content)
    assert response.context.get("confirm_form") is None
    assert response.context["result"].has_validation_errors() or response.context["result"].has_errors()
    assert not Review.objects.exists()
    assert summary(product) == (Decimal("0.00"), 0)
