"""Order lines carry the product's slug and primary thumbnail as they are now (a variant without a picture of its
own: its parent's), and a variant's options as they were ordered, in a fixed number of queries."""

import pytest

from shop.catalog.models import AttributeValue, ProductOption
from shop.orders import services
from shop.orders.models import OrderItem
from tests.factories import (
    CartWithLinesFactory,
    CustomerFactory,
    ProductFactory,
    ProductImageFactory,
    product_with_variants,
)
from tests.helpers import queries_for_page

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


def place_variants(user, variants):
    return services.order_place(cart=CartWithLinesFactory(user=user, lines=[(v, 1) for v in variants]), by=user)


def test_an_order_line_of_a_variant_shows_its_options_and_its_parents_thumbnail(customer_client, customer):
    parent, (_s, medium, _l) = product_with_variants({"size": ["s", "m", "l"]})
    ProductImageFactory(product=parent, thumbnail="products/5/parent-thumb.png", is_primary=True)
    order = place_variants(customer, [medium])
    line = customer_client.get(f"/api/v1/orders/{order.pk}/").json()["items"][0]
    assert (line["product"], line["slug"], line["options"]) == (medium.pk, medium.slug, {"size": "m"})
    assert line["title"] == f"{parent.title} (M)"
    assert line["thumbnail"] == "http://testserver/media/products/5/parent-thumb.png"


def test_checkout_copies_the_options_and_the_line_keeps_them_when_the_variant_changes(customer_client, customer):
    _parent, (small, *_) = product_with_variants({"size": ["s", "m"], "colour": ["red", "blue"]})
    order = place_variants(customer, [small])
    assert OrderItem.objects.get(order=order).options == {"size": "s", "colour": "red"}
    blue = AttributeValue.objects.get(attribute__slug="colour", slug="blue")
    ProductOption.objects.filter(product=small, attribute=blue.attribute).update(value=blue)
    line = customer_client.get(f"/api/v1/orders/{order.pk}/").json()["items"][0]
    assert line["options"] == {"size": "s", "colour": "red"}


def test_a_standalone_products_order_line_has_no_options(customer_client, customer):
    order, _product = place_with_image(customer)
    assert customer_client.get(f"/api/v1/orders/{order.pk}/").json()["items"][0]["options"] == {}


def test_order_lists_of_variants_make_as_many_queries_for_one_line_as_for_many(staff_client):
    def order_of_variants(n):
        parent, variants = product_with_variants({"size": ["s", "m", "l"], "colour": ["red", "blue"]})
        ProductImageFactory(product=parent, is_primary=True)
        place_variants(CustomerFactory(), variants[:n])

    order_of_variants(1)
    one = queries_for_page(staff_client, "/api/v1/orders/", page_size=100)
    for _ in range(3):
        order_of_variants(6)
    place_with_image(CustomerFactory())
    assert queries_for_page(staff_client, "/api/v1/orders/", page_size=100) == one
    # the staff member, their permissions (own, groups), count, page, lines with products and parents, images,
    # the parents' images, history, shipments
    assert one == 10


def test_an_order_of_variants_reads_in_as_many_queries_for_one_line_as_for_many(customer_client, customer):
    parent, variants = product_with_variants({"size": ["s", "m", "l"], "colour": ["red", "blue"]})
    ProductImageFactory(product=parent, is_primary=True)
    one = place_variants(customer, variants[:1])
    many = place_variants(customer, [*variants[1:], ProductFactory(stock=3)])
    assert queries_for_page(customer_client, f"/api/v1/orders/{many.pk}/") == queries_for_page(
        customer_client, f"/api/v1/orders/{one.pk}/"
    )
    lines = customer_client.get(f"/api/v1/orders/{many.pk}/").json()["items"]
    assert len(lines) == 6 and all(line["thumbnail"] for line in lines[:5]) and lines[5]["options"] == {}
