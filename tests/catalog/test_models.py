from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from shop.catalog.models import Category, Product, Review
from shop.catalog.services import stock_adjust
from shop.core.exceptions import InsufficientStock
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_negative_price(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(price=Decimal("-0.01"))


def test_database_refuses_negative_stock(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)


def test_database_refuses_duplicate_sku(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(sku=product.sku)


def test_database_refuses_rating_above_five(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(product=product, rating=6)


def test_database_refuses_second_review_by_same_user(product, customer):
    ReviewFactory(product=product, user=customer, rating=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(product=product, user=customer, rating=4)


@pytest.mark.parametrize("field", ["title", "body"])
def test_database_refuses_review_words_over_their_limit(product, field):
    limit = {"title": 120, "body": 5000}[field]
    review = ReviewFactory(product=product, **{field: "x" * limit})
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():  # PostgreSQL's varchar: DataError
        Review.objects.filter(pk=review.pk).update(**{field: "x" * (limit + 1)})


def test_database_refuses_an_unknown_review_status(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(product=product, status="hidden")


def test_category_path_and_depth_follow_the_parent():
    root = CategoryFactory(slug="clothing")
    child = CategoryFactory(slug="shirts", parent=root)
    assert (child.path, child.depth) == ("clothing/shirts", 1)
    root.slug = "apparel"
    root.save()
    child.refresh_from_db()
    assert child.path == "apparel/shirts"


def test_category_cannot_be_its_own_parent():
    category = CategoryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(pk=category.pk).update(parent=category)


def test_stock_adjust_records_a_movement_and_keeps_the_ledger_balanced(product, staff):
    stock_adjust(product=product, delta=-3, reason="adjustment", by=staff)
    stock_adjust(product=product, delta=5, reason="return", reference="R-1")
    product.refresh_from_db()
    assert product.stock == 12
    assert sum(product.stock_movements.values_list("delta", flat=True)) == product.stock


def test_stock_adjust_refuses_to_go_below_zero_and_changes_nothing(product):
    with pytest.raises(InsufficientStock) as caught:
        stock_adjust(product=product, delta=-11, reason="adjustment")
    assert caught.value.shortages == [{"product": product.pk, "available": 10}]
    product.refresh_from_db()
    assert product.stock == 10
    assert product.stock_movements.count() == 1
