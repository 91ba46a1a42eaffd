"""The catalog's reads, shared by the API, the admin and the exports."""

from decimal import Decimal

import pytest

from shop.catalog import selectors
from shop.catalog.models import Product
from shop.catalog.reviews import review_submit
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, product_with_variants

pytestmark = pytest.mark.django_db


def test_product_list_shows_customers_active_products_and_staff_all(customer, staff):
    active, inactive = ProductFactory(is_active=True), ProductFactory(is_active=False)
    assert list(selectors.product_list(user=customer)) == [active]
    assert list(selectors.product_list(user=None)) == [active]
    assert list(selectors.product_list(user=staff)) == [active, inactive]


def test_a_customers_list_joins_no_parent_and_a_lookup_by_id_hides_variants_of_inactive_parents(customer):
    """A list holds no variants, so their parents' flag is not joined (the count scans the products alone)."""
    assert "JOIN" not in str(selectors.product_list(user=customer).query)
    _parent, (variant,) = product_with_variants({"size": ["s"]}, is_active=False)
    assert selectors.product_get(user=customer, pk=variant.pk) is None
    assert list(selectors.product_list(user=customer)) == []


def test_product_list_applies_the_filters():
    shoes = CategoryFactory()
    cheap = ProductFactory(slug="cheap", price=Decimal("1.00"), categories=[shoes], stock=0)
    ProductFactory(slug="dear", price=Decimal("99.00"), categories=[shoes])
    ProductFactory(slug="other", price=Decimal("1.00"))
    filters = {"category": shoes.pk, "price_max": Decimal("5"), "in_stock": False, "slug": "cheap"}
    assert list(selectors.product_list(filters=filters)) == [cheap]


def test_product_get_is_none_for_a_hidden_or_impossible_id(customer, staff):
    hidden = ProductFactory(is_active=False)
    assert selectors.product_get(user=customer, pk=hidden.pk) is None
    assert selectors.product_get(user=staff, pk=hidden.pk) == hidden
    assert selectors.product_get(user=staff, pk="not-an-id") is None


def test_categories_are_counted_by_their_products():
    shoes, empty = CategoryFactory(slug="shoes"), CategoryFactory(slug="empty")
    ProductFactory.create_batch(2, categories=[shoes])
    counts = {c.slug: c.n_products for c in selectors.category_list_with_product_counts()}
    assert counts == {"shoes": 2, "empty": 0}
    assert {shoes, empty} == set(selectors.category_list())


def test_rating_value_is_the_callers_own(customer, other_customer):
    product = ProductFactory()
    review_submit(product=product, user=customer, rating=3)
    assert selectors.rating_value(product=product, user=customer) == 3
    assert selectors.rating_value(product=product, user=other_customer) is None


def test_a_variants_categories_are_its_own_else_its_parents():
    shirts, sale = CategoryFactory(), CategoryFactory()
    parent, (small, medium, _large) = product_with_variants(categories=[shirts])
    small.categories.set([sale])
    assert selectors.product_categories(small) == [sale]
    assert selectors.product_categories(medium) == [shirts]
    assert selectors.product_categories(parent) == [shirts]
    assert selectors.product_categories(ProductFactory()) == []


def test_a_variant_without_a_picture_of_its_own_shows_its_parents():
    parent, (small, medium, large) = product_with_variants(image="https://cdn.example.com/shirt.jpg")
    ProductImageFactory(product=small, file="products/1/own.png", thumbnail="products/1/own-t.png", is_primary=True)
    Product.objects.filter(pk=large.pk).update(image="https://cdn.example.com/large.jpg")
    large.refresh_from_db()
    assert selectors.product_image_urls(small) == ("/media/products/1/own.png", "/media/products/1/own-t.png")
    assert selectors.product_image_urls(medium) == ("https://cdn.example.com/shirt.jpg", None)
    assert selectors.product_image_urls(large) == ("https://cdn.example.com/large.jpg", None)  # its own URL
    ProductImageFactory(product=parent, file="products/2/p.png", thumbnail="products/2/p-t.png", is_primary=True)
    medium = Product.objects.get(pk=medium.pk)
    assert selectors.product_image_urls(medium) == ("/media/products/2/p.png", "/media/products/2/p-t.png")
