"""Cart lines carry the product's slug, primary thumbnail (the catalog's rule: a variant without a picture of its
own shows its parent's) and a variant's options, in a fixed number of queries."""

import pytest

from tests.factories import CartFactory, CartItemFactory, ProductFactory, ProductImageFactory, product_with_variants
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db


def test_a_cart_line_shows_the_products_slug_and_primary_thumbnail(customer_client, customer):
    product = ProductFactory(image="https://cdn.example.com/x.jpg")
    ProductImageFactory(product=product, thumbnail="products/7/b-thumb.png")
    ProductImageFactory(product=product, thumbnail="products/7/a-thumb.png", is_primary=True)
    CartItemFactory(cart=CartFactory(user=customer), product=product)
    line = customer_client.get("/api/v1/carts/current/").json()["items"][0]
    assert line["slug"] == product.slug
    assert line["thumbnail"] == "http://testserver/media/products/7/a-thumb.png"


def test_a_product_without_images_has_no_thumbnail_even_with_an_external_url(customer_client, customer):
    CartItemFactory(cart=CartFactory(user=customer), product=ProductFactory(image="https://cdn.example.com/x.jpg"))
    assert customer_client.get("/api/v1/carts/current/").json()["items"][0]["thumbnail"] is None


@pytest.mark.parametrize("page_size", [1, 20])
def test_the_cart_list_with_thumbnails_makes_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, page_size
):
    for _ in range(5):
        cart = CartFactory()
        for item in CartItemFactory.create_batch(2, cart=cart):
            ProductImageFactory(product=item.product, is_primary=True)
    # the staff member, their permissions (own, groups), count, page, lines with products, categories, images,
    # options
    with django_assert_max_num_queries(9):
        response = staff_client.get("/api/v1/carts/", {"page_size": page_size})
    carts = response.json()["results"]
    assert len(carts) == min(page_size, 5)
    assert all(line["thumbnail"] for cart in carts for line in cart["items"])


def test_a_variants_line_shows_its_options_and_its_parents_thumbnail(customer_client, customer):
    parent, (_s, medium, _l) = product_with_variants({"size": ["s", "m", "l"]})
    ProductImageFactory(product=parent, thumbnail="products/9/parent-thumb.png", is_primary=True)
    CartItemFactory(cart=CartFactory(user=customer), product=medium)
    line = customer_client.get("/api/v1/carts/current/").json()["items"][0]
    assert (line["product"], line["slug"], line["options"]) == (medium.pk, medium.slug, {"size": "m"})
    assert line["title"] == f"{parent.title} (M)"
    assert line["thumbnail"] == "http://testserver/media/products/9/parent-thumb.png"


def test_a_variant_with_an_image_of_its_own_shows_its_own_thumbnail(customer_client, customer):
    parent, (small, *_) = product_with_variants()
    ProductImageFactory(product=parent, is_primary=True)
    ProductImageFactory(product=small, thumbnail="products/8/own-thumb.png", is_primary=True)
    CartItemFactory(cart=CartFactory(user=customer), product=small)
    line = customer_client.get("/api/v1/carts/current/").json()["items"][0]
    assert line["thumbnail"] == "http://testserver/media/products/8/own-thumb.png"


def test_a_line_and_the_variants_document_show_the_same_picture(customer_client, customer, api_client):
    parent, (small, *_) = product_with_variants()
    ProductImageFactory(product=parent, is_primary=True)
    CartItemFactory(cart=CartFactory(user=customer), product=small)
    line = customer_client.get("/api/v1/carts/current/").json()["items"][0]
    document = api_client.get(f"/api/v1/products/{small.pk}/").json()
    assert line["thumbnail"] == document["thumbnail"] is not None


def test_a_standalone_products_line_has_no_options(customer_client, customer):
    CartItemFactory(cart=CartFactory(user=customer))
    assert customer_client.get("/api/v1/carts/current/").json()["items"][0]["options"] == {}


def test_cart_lists_of_variants_make_as_many_queries_for_one_line_as_for_many(staff_client):
    def cart_of_variants(n):
        parent, variants = product_with_variants({"size": ["s", "m", "l"], "colour": ["red", "blue"]})
        ProductImageFactory(product=parent, is_primary=True)
        cart = CartFactory()
        for variant in variants[:n]:
            CartItemFactory(cart=cart, product=variant)

    cart_of_variants(1)
    one = queries_for_page(staff_client, "/api/v1/carts/", page_size=100)
    for _ in range(4):
        cart_of_variants(6)
    CartItemFactory.create_batch(3, cart=CartFactory())
    assert queries_for_page(staff_client, "/api/v1/carts/", page_size=100) == one
    # the staff member, their permissions (own, groups), count, page, lines with products and parents,
    # categories, the parents' categories, images, the parents' images, options
    assert one == 11


def test_a_cart_of_variants_reads_in_as_many_queries_for_one_line_as_for_many(customer_client, customer):
    parent, variants = product_with_variants({"size": ["s", "m", "l"], "colour": ["red", "blue"]})
    ProductImageFactory(product=parent, is_primary=True)
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=variants[0])
    one = queries_for_page(customer_client, f"/api/v1/carts/{cart.pk}/")
    for variant in variants[1:]:
        CartItemFactory(cart=cart, product=variant)
    CartItemFactory.create_batch(2, cart=cart)
    assert queries_for_page(customer_client, f"/api/v1/carts/{cart.pk}/") == one
    lines = customer_client.get(f"/api/v1/carts/{cart.pk}/").json()["items"]
    assert [line["options"] for line in lines[:2]] == [{"size": "s", "colour": "red"}, {"size": "s", "colour": "blue"}]
