from decimal import Decimal

import pytest

from shop.catalog.models import Product, ProductOption, StockMovement
from tests.conftest import client_for
from tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductImageFactory,
    attribute_with_values,
    product_with_variants,
)
from tests.helpers import assert_problem, queries_for_page

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def detail(product) -> str:
    return f"{URL}{product.pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def child_payload(parent, options, **fields) -> dict:
    suffix = "-".join(options.values())
    return {
        "structure": "child",
        "parent": parent.pk,
        "options": options,
        "sku": f"C-{suffix}",
        "price": "9.99",
        **fields,
    }


# --- Documents and lists -------------------------------------------------------------------------


def test_a_parent_lists_its_variants_price_range_and_stock(api_client):
    parent, (small, medium, large) = product_with_variants({"size": ["s", "m", "l"]}, stock=0)
    Product.objects.filter(pk=medium.pk).update(price=Decimal("14.99"), stock=2)
    body = api_client.get(detail(parent)).json()
    assert body["structure"] == "parent" and body["parent"] is None and body["options"] == {}
    assert body["option_attributes"] == ["size"]
    assert body["stock"] == 0 and body["in_stock"] is True
    assert body["price_range"] == {"min": "10.00", "max": "14.99"}
    assert [variant["sku"] for variant in body["variants"]] == [small.sku, medium.sku, large.sku]
    assert body["variants"][1] == {
        "id": medium.pk,
        "sku": medium.sku,
        "title": parent.title,
        "price": "14.99",
        "stock": 2,
        "in_stock": True,
        "is_active": True,
        "options": {"size": "m"},
    }


def test_a_parent_without_stocked_variants_is_out_of_stock(api_client):
    parent, _ = product_with_variants({"size": ["s", "m"]}, stock=0)
    assert api_client.get(detail(parent)).json()["in_stock"] is False


def test_lists_show_standalone_products_and_parents_not_variants(api_client):
    standalone = ProductFactory()
    parent, _variants = product_with_variants()
    listed = ids(api_client.get(URL, {"page_size": 100}))
    assert listed == [standalone.pk, parent.pk]


def test_a_variant_is_found_by_its_id_with_its_parents_words(api_client):
    category = CategoryFactory()
    parent, (small, _m, _l) = product_with_variants(description="Soft cotton.")
    parent.categories.set([category])
    body = api_client.get(detail(small)).json()
    assert body["structure"] == "child" and body["parent"] == parent.pk
    assert body["options"] == {"size": "s"}
    assert body["title"] == parent.title and body["description"] == "Soft cotton."
    assert body["categories"] == [{"id": category.pk, "slug": category.slug, "name": category.name}]
    assert body["variants"] == [] and body["price_range"] is None


def test_a_variant_with_categories_of_its_own_shows_those_not_its_parents(api_client):
    shirts, sale = CategoryFactory(), CategoryFactory()
    _parent, (small, medium, _l) = product_with_variants(categories=[shirts])
    small.categories.set([sale])
    assert [c["id"] for c in api_client.get(detail(small)).json()["categories"]] == [sale.pk]
    assert [c["id"] for c in api_client.get(detail(medium)).json()["categories"]] == [shirts.pk]


def test_a_variants_document_takes_its_parents_categories_and_images_in_a_fixed_number_of_queries(
    api_client, django_assert_num_queries
):
    parent, (small, *_) = product_with_variants(categories=CategoryFactory.create_batch(3))
    ProductImageFactory.create_batch(2, product=parent)
    # the variant, its categories, its images; its parent, the parent's categories and images; its options
    with django_assert_num_queries(7):
        body = api_client.get(detail(small)).json()
    assert len(body["categories"]) == 3 and len(body["images"]) == 2


def test_a_variant_without_a_picture_shows_its_parents_and_one_with_its_own_url_keeps_it(api_client):
    parent, (small, medium, _l) = product_with_variants()
    ProductImageFactory(product=parent, thumbnail="products/3/p-thumb.png", is_primary=True)
    Product.objects.filter(pk=medium.pk).update(image="https://cdn.example.com/medium.jpg")
    body = api_client.get(detail(small)).json()
    assert body["thumbnail"] == "http://testserver/media/products/3/p-thumb.png"
    assert body["image"] == body["images"][0]["url"]
    own = api_client.get(detail(medium)).json()
    assert (own["image"], own["thumbnail"]) == ("https://cdn.example.com/medium.jpg", None)


def test_customers_see_active_variants_only_and_staff_see_all(api_client, staff_client):
    parent, (small, medium, _large) = product_with_variants()
    Product.objects.filter(pk=medium.pk).update(is_active=False)
    assert [v["id"] for v in api_client.get(detail(parent)).json()["variants"]] == [small.pk, _large.pk]
    assert len(staff_client.get(detail(parent)).json()["variants"]) == 3
    assert api_client.get(detail(medium)).status_code == 404


def test_a_variant_of_an_inactive_parent_is_hidden_from_customers(api_client):
    parent, (small, *_) = product_with_variants()
    Product.objects.filter(pk=parent.pk).update(is_active=False)
    assert api_client.get(detail(small)).status_code == 404


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_list_with_parents_makes_a_fixed_number_of_queries(api_client, page_size):
    for _ in range(6):
        product_with_variants({"size": ["s", "m"], "colour": ["red", "blue"]})
        ProductFactory()
    # count, page, categories, images; then for the parents: variants, their options, option sets
    assert queries_for_page(api_client, URL, page_size=page_size, ordering="-price") <= 7


def test_a_list_of_standalone_products_pays_nothing_for_variants(api_client):
    ProductFactory.create_batch(5)
    assert queries_for_page(api_client, URL, page_size=50) == 4  # count, page, categories, images


# --- Filters and search ----------------------------------------------------------------------------


@pytest.fixture
def shirts():
    red_small, _ = product_with_variants({"size": ["s"], "colour": ["red"]})
    blue_large, _ = product_with_variants({"size": ["l"], "colour": ["blue"]})
    mixed, variants = product_with_variants({"size": ["s", "l"], "colour": ["red", "blue"]})
    return {"red_small": red_small, "blue_large": blue_large, "mixed": mixed, "mixed_variants": variants}


def test_the_option_filter_finds_parents_with_a_variant_having_the_value(api_client, shirts):
    assert ids(api_client.get(URL, {"option": "colour:red"})) == [shirts["red_small"].pk, shirts["mixed"].pk]


def test_repeated_options_must_all_hold_for_one_variant(api_client, shirts):
    query = [("option", "colour:blue"), ("option", "size:l")]
    response = api_client.get(URL + "?" + "&".join(f"{k}={v}" for k, v in query))
    assert ids(response) == [shirts["blue_large"].pk, shirts["mixed"].pk]


def test_the_option_filter_ignores_inactive_variants(api_client, shirts):
    red_large = next(v for v in shirts["mixed_variants"] if v.sku.endswith("L-RED"))
    Product.objects.filter(pk=red_large.pk).update(is_active=False)
    assert ids(api_client.get(URL + "?option=colour:red&option=size:l")) == []


@pytest.mark.parametrize("value", ["colour:green", "fabric:silk", "colour", ":red"])
def test_an_unknown_or_malformed_option_is_a_400(api_client, shirts, value):
    errors = assert_problem(api_client.get(URL, {"option": value}), 400, "validation_error")["errors"]
    assert "option" in errors


def test_search_finds_a_parent_by_a_variants_sku(api_client, shirts):
    variant = shirts["mixed_variants"][0]
    assert ids(api_client.get(URL, {"search": variant.sku})) == [shirts["mixed"].pk]


def test_in_stock_and_price_filters_look_at_a_parents_active_variants(api_client):
    parent, (_small, medium) = product_with_variants({"size": ["s", "m"]}, stock=0)
    Product.objects.filter(pk=medium.pk).update(price=Decimal("30.00"))
    assert ids(api_client.get(URL, {"in_stock": "true"})) == []
    assert ids(api_client.get(URL, {"in_stock": "false"})) == [parent.pk]
    assert ids(api_client.get(URL, {"price_min": "20"})) == [parent.pk]
    assert ids(api_client.get(URL, {"price_min": "31"})) == []


# --- Writes ----------------------------------------------------------------------------------------


@pytest.fixture
def parent(staff_client):
    attribute_with_values("size", ["s", "m", "l"])
    attribute_with_values("colour", ["red", "blue"])
    body = {"structure": "parent", "option_attributes": ["size", "colour"], "sku": "TEE", "title": "Tee", "slug": "tee"}
    response = staff_client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return Product.objects.get(pk=response.json()["id"])


def test_a_variant_is_created_with_its_options_and_stock_in_the_ledger(staff_client, parent):
    response = staff_client.post(URL, child_payload(parent, {"size": "m", "colour": "red"}, stock=4), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["options"] == {"size": "m", "colour": "red"} and body["title"] == "Tee" and body["stock"] == 4
    child = Product.objects.get(pk=body["id"])
    assert child.slug == "tee-m-red" and child.title == ""
    assert list(StockMovement.objects.filter(product=child).values_list("delta", flat=True)) == [4]
    parent.refresh_from_db()
    assert parent.price == Decimal("9.99")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"size": "m"}, "Missing a value for: colour."),
        ({"size": "m", "colour": "green"}, "colour has no value 'green'."),
        ({"size": "m", "colour": "red", "fit": "slim"}, "Not an option of the parent"),
        ({}, "Missing a value for: colour, size."),
    ],
)
def test_a_variant_needs_exactly_one_known_value_per_option(staff_client, parent, options, message):
    response = staff_client.post(URL, child_payload(parent, options, sku="BAD"), format="json")
    errors = assert_problem(response, 400, "validation_error")["errors"]
    assert any(error.startswith(message) for error in errors["options"]), errors
    assert not Product.objects.filter(sku="BAD").exists()


def test_two_variants_of_one_parent_cannot_share_their_options(staff_client, parent):
    options = {"size": "m", "colour": "red"}
    assert staff_client.post(URL, child_payload(parent, options, sku="A"), format="json").status_code == 201
    response = staff_client.post(URL, child_payload(parent, options, sku="B"), format="json")
    errors = assert_problem(response, 400, "validation_error")["errors"]
    assert errors["options"] == ["Another variant of this product (A) has these options."]
    assert not Product.objects.filter(sku="B").exists()


def test_changing_a_variants_options_to_a_siblings_is_a_400(staff_client, parent):
    staff_client.post(URL, child_payload(parent, {"size": "m", "colour": "red"}, sku="A"), format="json")
    other = staff_client.post(URL, child_payload(parent, {"size": "l", "colour": "red"}, sku="B"), format="json")
    url = f"{URL}{other.json()['id']}/"
    response = staff_client.patch(url, {"options": {"size": "m", "colour": "red"}}, format="json")
    assert_problem(response, 400, "validation_error")
    assert staff_client.patch(url, {"options": {"size": "s", "colour": "blue"}}, format="json").status_code == 200
    assert ProductOption.objects.filter(product_id=other.json()["id"], value__slug="blue").exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"structure": "child", "options": {"size": "m"}}, "parent"),
        ({"structure": "standalone", "options": {"size": "m"}}, "options"),
        ({"structure": "parent"}, "option_attributes"),
        ({"structure": "parent", "option_attributes": ["size"], "stock": 3}, "stock"),
        ({"structure": "parent", "option_attributes": ["nope"]}, "option_attributes"),
    ],
)
def test_a_structure_holds_only_what_it_may(staff_client, body, field):
    attribute_with_values("size", ["m"])
    response = staff_client.post(URL, {"sku": "X", "slug": "x", "title": "X", "price": "1.00", **body}, format="json")
    assert field in assert_problem(response, 400, "validation_error")["errors"]
    assert not Product.objects.filter(sku="X").exists()


def test_a_variant_of_a_product_that_is_no_parent_is_a_400(staff_client):
    standalone = ProductFactory()
    response = staff_client.post(URL, {"structure": "child", "parent": standalone.pk, "sku": "X"}, format="json")
    assert "parent" in assert_problem(response, 400, "validation_error")["errors"]


def test_structure_and_parent_cannot_change(staff_client, parent):
    standalone = ProductFactory()
    response = staff_client.patch(detail(standalone), {"structure": "parent"}, format="json")
    assert "structure" in assert_problem(response, 400, "validation_error")["errors"]


def test_a_parent_has_no_stock_of_its_own(staff_client, parent):
    response = staff_client.patch(detail(parent), {"stock": 5}, format="json")
    assert "stock" in assert_problem(response, 400, "validation_error")["errors"]
    assert not StockMovement.objects.filter(product=parent).exists()


def test_the_parents_price_follows_its_cheapest_active_variant(staff_client, parent):
    cheap = staff_client.post(URL, child_payload(parent, {"size": "s", "colour": "red"}, price="5.00"), format="json")
    staff_client.post(URL, child_payload(parent, {"size": "m", "colour": "red"}, price="8.00"), format="json")
    staff_client.patch(f"{URL}{cheap.json()['id']}/", {"is_active": False}, format="json")
    assert staff_client.get(detail(parent)).json()["price"] == "8.00"


def test_a_parent_whose_variant_was_sold_cannot_be_deleted(staff_client):
    parent, _ = product_with_variants(stock=3)
    assert_problem(staff_client.delete(detail(parent)), 409, "conflict")
    assert Product.objects.filter(parent=parent).count() == 3


# --- Carts and checkout ---------------------------------------------------------------------------


def test_a_parent_in_a_cart_is_a_400_saying_to_choose_a_variant(customer_client):
    parent, _ = product_with_variants()
    cart = customer_client.get("/api/v1/carts/current/").json()
    response = customer_client.patch(
        f"/api/v1/carts/{cart['id']}/", {"add": [{"product": parent.pk, "quantity": 1}]}, format="json"
    )
    errors = assert_problem(response, 400, "validation_error")["errors"]
    assert errors["non_field_errors"] == [f"Product {parent.pk} has variants: choose one of them."]
    assert customer_client.get("/api/v1/carts/current/").json()["items"] == []


def test_a_tshirt_with_six_variants_is_created_through_the_api_and_one_is_bought(staff_client):
    for body in (
        {"name": "Size", "slug": "size", "values": [{"name": n, "slug": n.lower()} for n in ("S", "M", "L")]},
        {
            "name": "Colour",
            "slug": "colour",
            "position": 1,
            "values": [{"name": "Red", "slug": "red"}, {"name": "Blue"}],
        },
    ):
        assert staff_client.post("/api/v1/attributes/", body, format="json").status_code == 201
    shirt = {"structure": "parent", "option_attributes": ["size", "colour"], "sku": "TS", "slug": "t-shirt"}
    parent = staff_client.post(URL, {**shirt, "title": "T-shirt", "description": "Cotton."}, format="json").json()
    for size in ("s", "m", "l"):
        for colour in ("red", "blue"):
            child = {"structure": "child", "parent": parent["id"], "options": {"size": size, "colour": colour}}
            sku = f"TS-{size}-{colour}".upper()
            response = staff_client.post(URL, {**child, "sku": sku, "price": "19.00", "stock": 3}, format="json")
            assert response.status_code == 201, response.content
    document = staff_client.get(f"{URL}{parent['id']}/").json()
    assert len(document["variants"]) == 6 and document["price_range"] == {"min": "19.00", "max": "19.00"}

    buyer = CustomerFactory()
    client = client_for(buyer)
    medium_blue = next(v for v in document["variants"] if v["options"] == {"size": "m", "colour": "blue"})
    cart = client.get("/api/v1/carts/current/").json()
    client.patch(
        f"/api/v1/carts/{cart['id']}/", {"add": [{"product": medium_blue["id"], "quantity": 2}]}, format="json"
    )
    order = client.post(f"/api/v1/carts/{cart['id']}/checkout/", {}, format="json")
    assert order.status_code == 201, order.content
    assert order.json()["items"][0]["sku"] == "TS-M-BLUE"
    assert order.json()["items"][0]["title"] == "T-shirt (M, Blue)"
    assert Product.objects.get(pk=medium_blue["id"]).stock == 1
    sale = StockMovement.objects.get(product_id=medium_blue["id"], reason="sale")
    assert sale.delta == -2
    assert Product.objects.get(pk=parent["id"]).stock == 0

    assert client.post(f"/api/v1/orders/{order.json()['id']}/cancel/", {}, format="json").status_code == 200
    assert Product.objects.get(pk=medium_blue["id"]).stock == 3


def test_a_parents_price_is_not_set_by_hand(staff_client, parent):
    staff_client.post(URL, child_payload(parent, {"size": "s", "colour": "red"}, price="5.00"), format="json")
    refused = staff_client.patch(detail(parent), {"price": "99.00"}, format="json")
    assert "follows them" in str(assert_problem(refused, 400, "validation_error")["errors"]["price"])
    assert Product.objects.get(pk=parent.pk).price == Decimal("5.00")
    repeated = staff_client.patch(detail(parent), {"price": "5.00", "title": "Shirt"}, format="json")
    assert repeated.status_code == 200, repeated.content
