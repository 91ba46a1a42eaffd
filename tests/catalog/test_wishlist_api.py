"""`/wishlist/` (API.md, "Wishlist"): one wishlist per customer, product documents, active products only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.catalog.models import Product, WishlistItem
from shop.catalog.wishlist import wishlist_add
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, product_with_variants
from tests.helpers import assert_fields_refused, assert_problem, queries_for_page

pytestmark = pytest.mark.django_db

URL = "/api/v1/wishlist/"


def test_adding_a_product_answers_201_with_the_product_document(customer_client, api_client):
    product = ProductFactory(categories=[CategoryFactory()])
    response = customer_client.post(URL, {"product": product.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"product", "added_at"}
    assert body["product"] == api_client.get(f"/api/v1/products/{product.pk}/").json()


def test_adding_it_again_answers_200_and_keeps_one_item(customer_client, customer):
    product = ProductFactory()
    customer_client.post(URL, {"product": product.pk}, format="json")
    response = customer_client.post(URL, {"product": product.pk}, format="json")
    assert response.status_code == 200
    assert WishlistItem.objects.filter(user=customer).count() == 1


def test_the_list_is_the_callers_own_newest_first(customer_client, customer, other_customer):
    older, newer = ProductFactory(), ProductFactory()
    wishlist_add(user=customer, product=older)
    WishlistItem.objects.update(added_at=timezone.now() - timedelta(days=1))
    wishlist_add(user=customer, product=newer)
    wishlist_add(user=other_customer, product=ProductFactory())
    body = customer_client.get(URL).json()
    assert body["count"] == 2
    assert [row["product"]["id"] for row in body["results"]] == [newer.pk, older.pk]


def test_inactive_products_drop_out_and_come_back_when_activated(customer_client, customer):
    product = ProductFactory()
    wishlist_add(user=customer, product=product)
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert customer_client.get(URL).json()["count"] == 0
    Product.objects.filter(pk=product.pk).update(is_active=True)
    assert customer_client.get(URL).json()["count"] == 1


def test_the_list_makes_a_fixed_number_of_queries(customer_client, customer):
    for product in ProductFactory.create_batch(2, categories=CategoryFactory.create_batch(2)):
        wishlist_add(user=customer, product=product)
    few = queries_for_page(customer_client, URL)
    for product in ProductFactory.create_batch(30, categories=CategoryFactory.create_batch(2)):
        wishlist_add(user=customer, product=product)
    assert queries_for_page(customer_client, URL, page_size=50) == few


def test_a_variant_on_the_wishlist_shows_its_parents_categories_and_images(customer_client, customer):
    category = CategoryFactory()
    parent, (small, *_) = product_with_variants(categories=[category])
    ProductImageFactory(product=parent, is_primary=True)
    wishlist_add(user=customer, product=small)
    document = customer_client.get(URL).json()["results"][0]["product"]
    assert document["categories"] == [{"id": category.pk, "slug": category.slug, "name": category.name}]
    assert document["thumbnail"].endswith("-thumb.png") and len(document["images"]) == 1
    assert document["options"] == {"size": "s"}


def test_a_list_of_variants_makes_a_fixed_number_of_queries(customer_client, customer):
    def add_variants():
        parent, variants = product_with_variants(categories=CategoryFactory.create_batch(2))
        ProductImageFactory(product=parent, is_primary=True)
        for variant in variants:
            wishlist_add(user=customer, product=variant)

    add_variants()
    few = queries_for_page(customer_client, URL)
    for _ in range(4):
        add_variants()
    assert queries_for_page(customer_client, URL, page_size=50) == few


@pytest.mark.parametrize("pk", [999_999, 2**63, 0, "abc", None])
def test_an_unknown_product_is_a_400_and_adds_nothing(customer_client, pk):
    problem = assert_problem(customer_client.post(URL, {"product": pk}, format="json"), 400, "validation_error")
    assert "product" in problem["errors"]
    assert not WishlistItem.objects.exists()


def test_an_inactive_product_cannot_be_added(customer_client, staff_client):
    product = ProductFactory(is_active=False)
    for client in (customer_client, staff_client):
        assert_problem(client.post(URL, {"product": product.pk}, format="json"), 400, "validation_error")
    assert not WishlistItem.objects.exists()


def test_the_body_takes_only_the_product(customer_client, other_customer):
    product = ProductFactory()
    response = customer_client.post(URL, {"product": product.pk, "user": other_customer.pk}, format="json")
    assert_fields_refused(response, unknown=("user",))
    assert not WishlistItem.objects.exists()


def test_delete_takes_the_product_off_the_callers_wishlist_only(customer_client, customer, other_customer):
    product = ProductFactory()
    wishlist_add(user=customer, product=product)
    wishlist_add(user=other_customer, product=product)
    assert customer_client.delete(f"{URL}{product.pk}/").status_code == 204
    assert list(WishlistItem.objects.values_list("user", flat=True)) == [other_customer.pk]


@pytest.mark.parametrize("pk", [999_999, 2**63])
def test_deleting_a_product_not_on_the_wishlist_is_not_found(customer_client, pk):
    assert_problem(customer_client.delete(f"{URL}{pk}/"), 404, "not_found")


def test_anonymous_callers_have_no_wishlist(api_client):
    product = ProductFactory()
    assert_problem(api_client.get(URL), 401, "not_authenticated")
    assert_problem(api_client.post(URL, {"product": product.pk}, format="json"), 401, "not_authenticated")
    assert_problem(api_client.delete(f"{URL}{product.pk}/"), 401, "not_authenticated")


def test_paths_without_the_trailing_slash_work_too(customer_client):
    product = ProductFactory()
    assert customer_client.post("/api/v1/wishlist", {"product": product.pk}, format="json").status_code == 201
    assert customer_client.delete(f"/api/v1/wishlist/{product.pk}").status_code == 204
