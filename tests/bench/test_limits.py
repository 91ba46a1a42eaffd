"""The bench's limit views must answer the same page as the API, or the ratio would compare different work."""

import pytest
from django.db.models import Sum
from django.test import override_settings

from shop.carts.models import Cart
from shop.catalog.models import Product, StockMovement
from shop.orders.models import Order
from tests.conftest import client_for
from tests.factories import CartFactory, CartItemFactory, CategoryFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_bench_urls")]


@pytest.fixture
def _bench_urls():
    with override_settings(ROOT_URLCONF="bench.urls"):
        yield


@pytest.fixture
def catalog():
    garden, kitchen = CategoryFactory(slug="garden"), CategoryFactory(slug="kitchen")
    for n in range(25):
        title = f"Oak chair {n}" if n % 2 else f"Steel lamp {n}"
        categories = [kitchen, garden] if n % 5 == 0 else [garden if n % 3 else kitchen]
        ProductFactory(title=title, price=f"{n + 1}.50", categories=categories)
    ProductFactory(title="Hidden oak chair", is_active=False, categories=[garden])
    return garden


def without_links(page: dict) -> dict:
    return {key: value for key, value in page.items() if key not in ("next", "previous")}


def test_limit_list_answers_the_same_page_as_the_api(api_client, catalog):
    for page in (1, 2):
        shop = api_client.get(f"/api/v1/products/?page={page}").json()
        limit = api_client.get(f"/bench/products/?page={page}").json()
        assert without_links(limit) == without_links(shop)
        assert (limit["next"] is None) == (shop["next"] is None)


def test_limit_filtered_list_answers_the_same_products_in_the_same_order(api_client, catalog):
    shop = api_client.get("/api/v1/products/?search=oak&category=garden&ordering=-price").json()
    limit = api_client.get("/bench/products/filtered/?search=oak&category=garden").json()
    assert shop["count"] > 0
    assert without_links(limit) == without_links(shop)


@pytest.mark.parametrize("word", ["oak", "lamp", "st"])
def test_limit_search_answers_the_same_page_as_the_api(api_client, catalog, word):
    shop = api_client.get("/api/v1/products/", {"search": word}).json()
    limit = api_client.get("/bench/products/search/", {"search": word}).json()
    assert shop["count"] > 0
    assert without_links(limit) == without_links(shop)


def test_limit_list_honours_page_size(api_client, catalog):
    shop = api_client.get("/api/v1/products/?page=2&page_size=10").json()
    limit = api_client.get("/bench/products/?page=2&page_size=10").json()
    assert without_links(limit) == without_links(shop)
    assert (limit["next"] is None) == (shop["next"] is None)


def test_limit_detail_answers_the_same_document_as_the_api(api_client, catalog):
    product = Product.objects.filter(is_active=True).first()
    assert (
        api_client.get(f"/bench/products/{product.pk}/").json()
        == api_client.get(f"/api/v1/products/{product.pk}/").json()
    )


def test_limit_detail_hides_inactive_products(api_client, catalog):
    hidden = Product.objects.get(is_active=False)
    assert api_client.get(f"/bench/products/{hidden.pk}/").status_code == 404


def test_limit_cart_patch_adds_to_the_line_and_answers_the_cart(customer):
    cart = CartFactory(user=customer)
    product = ProductFactory(stock=50)
    client = client_for(customer)
    body = {"add": [{"product": product.pk, "quantity": 2}]}
    client.patch(f"/bench/carts/{cart.pk}/", body, format="json")
    answer = client.patch(f"/bench/carts/{cart.pk}/", body, format="json")
    assert answer.status_code == 200
    assert answer.json()["items"] == [
        {
            "product": product.pk,
            "title": product.title,
            "slug": product.slug,
            "thumbnail": None,
            "options": {},
            "quantity": 4,
            "unit_price": "10.00",
            "line_total": "40.00",
        }
    ]
    assert answer.json()["item_count"] == 4


def test_limit_cart_patch_refuses_someone_elses_cart(customer, other_customer):
    cart = CartFactory(user=other_customer)
    body = {"add": [{"product": ProductFactory().pk, "quantity": 1}]}
    assert client_for(customer).patch(f"/bench/carts/{cart.pk}/", body, format="json").status_code == 409
    assert not cart.items.exists()


def test_limit_checkout_writes_the_order_and_keeps_the_ledger(customer):
    cart = CartFactory(user=customer)
    item = CartItemFactory(cart=cart, quantity=3, product=ProductFactory(stock=5))
    answer = client_for(customer).post(f"/bench/carts/{cart.pk}/checkout/", {}, format="json")
    assert answer.status_code == 201
    order = Order.objects.get(pk=answer.json()["id"])
    assert order.total == 30 and order.history.get().to_status == "pending"
    assert [(line["slug"], line["options"]) for line in answer.json()["items"]] == [(item.product.slug, {})]
    assert order.items.get().options == {}
    assert Cart.objects.get(pk=cart.pk).status == "ordered"
    product = Product.objects.annotate(ledger=Sum("stock_movements__delta")).get(pk=item.product_id)
    assert product.stock == 2 == product.ledger
    assert StockMovement.objects.get(reason="sale").reference == order.number


def test_limit_checkout_refuses_oversell_and_changes_nothing(customer):
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, quantity=6, product=ProductFactory(stock=5))
    answer = client_for(customer).post(f"/bench/carts/{cart.pk}/checkout/", {}, format="json")
    assert answer.status_code == 409
    assert not Order.objects.exists()
    assert Product.objects.get().stock == 5
    assert Cart.objects.get(pk=cart.pk).status == "open"
