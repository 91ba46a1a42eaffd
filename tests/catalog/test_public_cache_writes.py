"""The next anonymous read after any write that changes a catalog document sees it, with the public cache on.

Each test reads the pages until they come from the cache, writes through one path (API, admin, services,
orders, the bulk import), and reads again. The tests commit for real (transactional), as the version is bumped
again when a transaction commits.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.carts.services import cart_apply_changes
from shop.catalog.bulk import ProductWrite, products_save_many
from shop.catalog.models import Product, Review, StockReservation
from shop.catalog.services import stock_adjust
from shop.orders.services import order_cancel, order_place, order_set_status
from tests.admin.helpers import run_action
from tests.catalog.cached_reads import (  # noqa: F401 - cache_on: a fixture
    ATTRIBUTES,
    CATEGORIES,
    LIST,
    anonymous_get,
    cache_on,
    detail,
    listed,
    read,
    warm,
)
from tests.catalog.image_files import png_upload
from tests.factories import (
    AddressFactory,
    CartWithLinesFactory,
    CategoryFactory,
    ProductFactory,
    ReviewFactory,
    product_with_variants,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cache_on")]


def test_a_product_created_through_the_api_is_listed_at_once(staff_client):
    ProductFactory()
    warm(LIST)
    body = {"sku": "NEW-1", "slug": "new-1", "title": "New", "price": "2.00", "stock": 1}
    created = staff_client.post(LIST, body, format="json").json()
    assert created["id"] in listed(read(LIST))


def test_a_price_and_a_stock_change_through_the_api_are_seen_at_once(staff_client):
    product = ProductFactory(price=Decimal("10.00"), stock=3)
    warm(LIST, detail(product))
    assert staff_client.patch(detail(product), {"price": "12.00"}, format="json").status_code == 200
    assert read(detail(product))["price"] == "12.00"
    assert listed(read(LIST))[product.pk]["price"] == "12.00"
    warm(detail(product))
    assert staff_client.patch(detail(product), {"stock": 0}, format="json").status_code == 200
    assert (read(detail(product))["stock"], read(detail(product))["in_stock"]) == (0, False)


def test_a_product_deleted_through_the_api_is_gone_at_once(staff_client):
    product, kept = ProductFactory.create_batch(2)
    Product.objects.filter(pk=product.pk).update(stock=0)
    product.stock_movements.all().delete()
    warm(LIST, detail(product))
    assert staff_client.delete(detail(product)).status_code == 204
    assert product.pk not in listed(read(LIST)) and kept.pk in listed(read(LIST))
    assert anonymous_status(detail(product)) == 404


def anonymous_status(path):
    return anonymous_get(path).status_code


def test_category_changes_through_the_api_are_seen_at_once(staff_client):
    category = CategoryFactory(name="Old")
    product = ProductFactory(categories=[category])
    warm(CATEGORIES, detail(product))
    staff_client.patch(f"{CATEGORIES}{category.pk}/", {"name": "New"}, format="json")
    assert [c["name"] for c in read(CATEGORIES)["results"]] == ["New"]
    assert [c["name"] for c in read(detail(product))["categories"]] == ["New"]
    other = staff_client.post(CATEGORIES, {"name": "Other", "slug": "other"}, format="json").json()
    assert len(read(CATEGORIES)["results"]) == 2
    staff_client.patch(detail(product), {"categories": [other["id"]]}, format="json")
    assert [c["id"] for c in read(detail(product))["categories"]] == [other["id"]]
    warm(CATEGORIES)
    assert staff_client.delete(f"{CATEGORIES}{category.pk}/").status_code == 204
    assert [c["name"] for c in read(CATEGORIES)["results"]] == ["Other"]


def test_attribute_changes_through_the_api_are_seen_at_once(staff_client):
    parent, _ = product_with_variants({"size": ["s", "m"]})
    attribute = parent.option_attributes.get()
    warm(ATTRIBUTES, detail(parent))
    values = [{"name": "Small", "slug": "s"}, {"name": "M", "slug": "m"}]
    response = staff_client.patch(f"{ATTRIBUTES}{attribute.pk}/", {"name": "Grösse", "values": values}, format="json")
    assert response.status_code == 200, response.content
    assert read(ATTRIBUTES)["results"][0]["name"] == "Grösse"
    assert read(ATTRIBUTES)["results"][0]["values"][0]["name"] == "Small"
    other = staff_client.post(ATTRIBUTES, {"name": "Colour", "slug": "colour"}, format="json").json()
    assert len(read(ATTRIBUTES)["results"]) == 2
    warm(ATTRIBUTES)
    staff_client.delete(f"{ATTRIBUTES}{other['id']}/")
    assert len(read(ATTRIBUTES)["results"]) == 1


def test_image_uploads_edits_and_deletions_through_the_api_are_seen_at_once(staff_client):
    product = ProductFactory(image="https://img.example.com/p.png")
    images = f"/api/v1/products/{product.pk}/images/"
    warm(LIST, detail(product))
    first = staff_client.post(images, {"file": png_upload()}, format="multipart").json()
    assert read(detail(product))["thumbnail"] == first["thumbnail_url"]
    assert listed(read(LIST))[product.pk]["thumbnail"] == first["thumbnail_url"]
    second = staff_client.post(images, {"file": png_upload(colour="red")}, format="multipart").json()
    warm(detail(product))
    staff_client.patch(f"{images}{second['id']}/", {"is_primary": True, "alt": "Back"}, format="json")
    assert read(detail(product))["thumbnail"] == second["thumbnail_url"]
    warm(detail(product))
    assert staff_client.delete(f"{images}{second['id']}/").status_code == 204
    assert read(detail(product))["thumbnail"] == first["thumbnail_url"]


def test_review_approval_through_the_api_and_a_bare_rating_move_the_summary_at_once(staff_client, customer_client):
    product = ProductFactory()
    review = ReviewFactory(product=product, status=Review.Status.PENDING, title="Hm", rating=2)
    warm(detail(product))
    staff_client.post(f"/api/v1/reviews/{review.pk}/moderate/", {"status": "approved"}, format="json")
    assert read(detail(product))["rating"]["count"] == 1
    warm(detail(product))
    assert customer_client.post(f"{detail(product)}reviews/", {"rating": 4}, format="json").status_code == 201
    assert read(detail(product))["rating"] == {"rate": "3.00", "count": 2}


def _admin_product_form(product, **changes) -> dict:
    data = {
        "title_en": product.title, "slug": product.slug, "sku": product.sku, "description_en": "", "image": "",
        "is_active": "on", "price": str(product.price), "stock": str(product.stock), **changes,
    }  # fmt: skip
    for prefix in ("images", "stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_admin_product_form_actions_and_deletion_are_seen_at_once(admin_client):
    product = ProductFactory(price=Decimal("3.00"), stock=2)
    warm(LIST, detail(product))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    assert admin_client.post(url, _admin_product_form(product, price="4.00", stock="9")).status_code == 302
    assert (read(detail(product))["price"], read(detail(product))["stock"]) == ("4.00", 9)
    warm(LIST)
    run_action(admin_client, Product, "adjust_stock", [product], apply="1", delta="-4", reason="adjustment")
    assert listed(read(LIST))[product.pk]["stock"] == 5
    run_action(admin_client, Product, "deactivate", [product])
    assert product.pk not in listed(read(LIST))
    fresh = ProductFactory(stock=0)
    fresh.stock_movements.all().delete()
    warm(LIST)
    admin_client.post(reverse("admin:catalog_product_delete", args=[fresh.pk]), {"post": "yes"})
    assert fresh.pk not in listed(read(LIST))


def test_admin_category_edit_and_review_approval_are_seen_at_once(admin_client):
    category = CategoryFactory(name="Old", slug="old")
    product = ProductFactory(categories=[category])
    review = ReviewFactory(product=product, status=Review.Status.PENDING, title="Hm", rating=5)
    warm(CATEGORIES, detail(product))
    data = {"name_en": "New", "slug": "old", "description_en": ""}
    assert admin_client.post(reverse("admin:catalog_category_change", args=[category.pk]), data).status_code == 302
    assert read(CATEGORIES)["results"][0]["name"] == "New"
    run_action(admin_client, Review, "approve", [review])
    assert read(detail(product))["rating"]["count"] == 1


def test_stock_moved_by_services_checkout_and_cancel_is_seen_at_once(customer):
    AddressFactory(user=customer, is_default=True)
    product = ProductFactory(stock=5)
    warm(detail(product))
    stock_adjust(product=product, delta=-1, reason="adjustment")
    assert read(detail(product))["stock"] == 4
    warm(detail(product))
    order = order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 4)]), by=customer)
    assert (read(detail(product))["stock"], read(detail(product))["in_stock"]) == (0, False)
    warm(detail(product))
    order_cancel(order=order, by=customer)
    assert read(detail(product))["stock"] == 4


def test_a_refund_that_restocks_is_seen_at_once(customer, staff_client, staff):
    AddressFactory(user=customer, is_default=True)
    product = ProductFactory(stock=5, price=Decimal("10.00"))
    order = order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 2)]), by=customer)
    order_set_status(order=order, status="paid", by=staff)
    warm(detail(product))
    line = order.items.get()
    body = {"reason": "Returned", "lines": [{"item": line.pk, "quantity": 2}], "restock": True}
    assert staff_client.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json").status_code == 201
    assert read(detail(product))["stock"] == 5


def test_a_reservation_does_not_change_the_documents(customer):
    """Documents show stock on hand, not what carts hold: a cart reserving units leaves the cached answer right."""
    product = ProductFactory(stock=5)
    before = read(detail(product))
    cart = CartWithLinesFactory(user=customer, lines=[])
    cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 2}])
    assert StockReservation.objects.filter(product=product).exists()
    assert read(detail(product)) == before and before["stock"] == 5


def test_the_bulk_import_is_seen_at_once():
    category = CategoryFactory()
    product = ProductFactory(price=Decimal("1.00"), stock=1)
    warm(LIST, detail(product))
    product.price, product.stock = Decimal("7.00"), 8
    new = Product(sku="BULK-1", slug="bulk-1", title="Bulk", price=Decimal("2.00"), stock=3)
    products_save_many(created=[ProductWrite(new, [category.pk])], updated=[ProductWrite(product, [category.pk])])
    document = read(detail(product))
    assert (document["price"], [c["id"] for c in document["categories"]]) == ("7.00", [category.pk])
    assert new.pk in listed(read(LIST))
