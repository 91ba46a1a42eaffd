"""Cart lines carry the product's slug and primary thumbnail (the catalog's rule), in a fixed number of queries."""

import pytest

from tests.factories import CartFactory, CartItemFactory, ProductFactory, ProductImageFactory

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
    # the staff member, their permissions (own, groups), count, page, lines with products, categories, images
    with django_assert_max_num_queries(8):
        response = staff_client.get("/api/v1/carts/", {"page_size": page_size})
    carts = response.json()["results"]
    assert len(carts) == min(page_size, 5)
    assert all(line["thumbnail"] for cart in carts for line in cart["items"])
