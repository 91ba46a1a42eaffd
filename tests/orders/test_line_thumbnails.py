"""Order lines carry the product's slug and primary thumbnail as they are now, in a fixed number of queries."""

import pytest

from shop.orders import services
from tests.factories import CartWithLinesFactory, CustomerFactory, ProductFactory, ProductImageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def place_with_image(user):
    product = ProductFactory(stock=10)
    ProductImageFactory(product=product, thumbnail=f"products/{product.pk}/t.png", is_primary=True)
    return services.order_place(cart=CartWithLinesFactory(user=user, lines=[(product, 1)]), by=user), product


def test_an_order_line_shows_the_products_slug_and_primary_thumbnail(customer_client, customer):
    order, product = place_with_image(customer)
    line = customer_client.get(f"/api/v1/orders/{order.pk}/").json()["items"][0]
    assert line["slug"] == product.slug
    assert line["thumbnail"] == f"http://testserver/media/products/{product.pk}/t.png"


def test_checkout_answers_lines_with_absolute_thumbnails(customer_client, customer):
    product = ProductFactory(stock=3)
    ProductImageFactory(product=product, thumbnail="products/1/t.png", is_primary=True)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 1)])
    response = customer_client.post(f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["thumbnail"] == "http://testserver/media/products/1/t.png"


@pytest.mark.parametrize("page_size", [1, 20])
def test_the_order_list_with_thumbnails_makes_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, page_size
):
    for user in CustomerFactory.create_batch(4):
        place_with_image(user)
    # the staff member, their permissions (own, groups), count, page, lines with products, images, history,
    # shipments
    with django_assert_max_num_queries(9):
        response = staff_client.get("/api/v1/orders/", {"page_size": page_size})
    orders = response.json()["results"]
    assert len(orders) == min(page_size, 4)
    assert all(line["thumbnail"] and line["slug"] for order in orders for line in order["items"])
