"""Existing ratings become approved reviews; orders delivered before become purchases (verified reviews)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    executor = MigrationExecutor(connection)  # a fresh loader sees what the previous step applied
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_rating_becomes_an_approved_review_and_the_summary_stays():
    old = migrate([("catalog", "0006_product_rating_sum")])
    user = old.get_model("accounts", "User").objects.create(email="r@example.com")
    product = old.get_model("catalog", "Product").objects.create(
        sku="M-1", slug="m-1", title="Rated", price="1.00", rating_rate="4.00", rating_count=1, rating_sum="4.00"
    )
    rating = old.get_model("catalog", "Rating").objects.create(user=user, product=product, value=4)

    new = migrate([("catalog", "0007_rating_becomes_review")])

    review = new.get_model("catalog", "Review").objects.get()
    assert (review.pk, review.user_id, review.product_id, review.rating) == (rating.pk, user.pk, product.pk, 4)
    assert (review.status, review.title, review.body, review.verified_purchase) == ("approved", "", "", False)
    stored = new.get_model("catalog", "Product").objects.values_list("rating_sum", "rating_count").get()
    assert stored == (Decimal("4.00"), 1)
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_orders_delivered_before_become_purchases_and_verify_their_reviews():
    old = migrate([("orders", "0005_order_change_status_permission"), ("catalog", "0008_purchase")])
    users = old.get_model("accounts", "User").objects
    buyer, waiting = users.create(email="b@example.com"), users.create(email="w@example.com")
    Product, Order, OrderItem = (
        old.get_model(*label.split(".")) for label in ("catalog.Product", "orders.Order", "orders.OrderItem")
    )
    product = Product.objects.create(sku="M-2", slug="m-2", title="Sold", price="1.00")
    Review = old.get_model("catalog", "Review")
    for user, status in ((buyer, "delivered"), (waiting, "shipped")):
        order = Order.objects.create(number=f"N-{user.pk}", user=user, status=status, subtotal=1, total=1)
        OrderItem.objects.create(
            order=order, product=product, sku="M-2", title="Sold", unit_price=1, quantity=1, line_total=1
        )
        Review.objects.create(user=user, product=product, rating=5, status="approved")

    new = migrate([("orders", "0006_record_delivered_purchases")])

    assert list(new.get_model("catalog", "Purchase").objects.values_list("user_id", "product_id")) == [
        (buyer.pk, product.pk)
    ]
    verified = dict(new.get_model("catalog", "Review").objects.values_list("user_id", "verified_purchase"))
    assert verified == {buyer.pk: True, waiting.pk: False}
    migrate_to_latest()
