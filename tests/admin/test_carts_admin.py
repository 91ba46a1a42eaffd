from decimal import Decimal

import pytest
from django.urls import reverse

from shop.carts.models import Cart
from shop.carts.services import cart_holder
from shop.catalog.selectors import stock_reservations
from tests.admin.helpers import changelist, editable_widgets, messages_of, run_action, set_page_size
from tests.factories import CartFactory, CartItemFactory, CartWithLinesFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_size", [1, 100])
def test_cart_list_makes_a_fixed_number_of_queries(admin_client, monkeypatch, django_assert_max_num_queries, page_size):
    for _ in range(15):
        CartItemFactory.create_batch(2, cart=CartFactory())
    CartFactory(user=None, session_key="guest-abc")
    set_page_size(monkeypatch, Cart, page_size)
    with django_assert_max_num_queries(8):
        response = admin_client.get(changelist(Cart))
    assert len(response.context["cl"].result_list) == min(page_size, 16)


def test_cart_list_shows_owner_item_count_and_total(admin_client):
    cart = CartFactory(user=UserFactory(email="c@example.com"))
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("2.50")), quantity=2)
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("1.00")), quantity=1)
    CartFactory(user=None, session_key="guest-abc")
    response = admin_client.get(changelist(Cart))
    rows = {c.pk: c for c in response.context["cl"].result_list}
    assert (rows[cart.pk].n_items, rows[cart.pk].total) == (2, Decimal("6.00"))
    html = response.content.decode()
    assert "c@example.com" in html
    assert "guest guest-abc" in html


def test_cart_filters_by_status_and_age(admin_client):
    fresh = CartFactory()
    old = CartFactory(status=Cart.Status.ABANDONED)
    Cart.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    assert [
        c.pk for c in admin_client.get(changelist(Cart), {"status__exact": "abandoned"}).context["cl"].result_list
    ] == [old.pk]
    assert [c.pk for c in admin_client.get(changelist(Cart), {"age": "old"}).context["cl"].result_list] == [old.pk]
    assert [c.pk for c in admin_client.get(changelist(Cart), {"age": "1h"}).context["cl"].result_list] == [fresh.pk]


def _inline_data(cart, rows):
    data = {"items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": sum(1 for r in rows if r.get("id")), "_save": "Save"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{i}-{key}"] = value
        data[f"items-{i}-cart"] = cart.pk
    return data


def test_cart_inline_changes_quantities_through_the_service_and_reserves(admin_client):
    cart = CartFactory()
    item = CartItemFactory(cart=cart, product=ProductFactory(stock=10), quantity=1)
    new_product = ProductFactory(stock=3)
    rows = [{"id": item.pk, "product": item.product_id, "quantity": 4}, {"product": new_product.pk, "quantity": 3}]
    response = admin_client.post(reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, rows))
    assert response.status_code == 302
    lines = {i.product_id: i for i in cart.items.all()}
    assert (lines[item.product_id].quantity, lines[new_product.pk].quantity) == (4, 3)
    held = dict(stock_reservations(holder=cart_holder(cart.pk)).values_list("product_id", "quantity"))
    assert held == {item.product_id: 4, new_product.pk: 3}


def test_cart_page_shows_the_stock_the_cart_holds(admin_client):
    product = ProductFactory(stock=10, sku="HELD-1")
    cart = CartWithLinesFactory(lines=[(product, 3)])
    response = admin_client.get(reverse("admin:carts_cart_change", args=[cart.pk]))
    assert "3 x HELD-1" in response.content.decode()


def test_cart_inline_refuses_more_than_available_stock_and_changes_nothing(admin_client):
    product = ProductFactory(stock=5)
    CartWithLinesFactory(lines=[(product, 4)])  # another cart reserves 4
    cart = CartFactory()
    response = admin_client.post(
        reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, [{"product": product.pk, "quantity": 2}])
    )
    assert response.status_code == 200
    assert "Only 1 available." in response.content.decode()
    assert not cart.items.exists()


def test_cart_inline_delete_removes_the_line(admin_client):
    cart = CartFactory()
    item = CartItemFactory(cart=cart)
    rows = [{"id": item.pk, "product": item.product_id, "quantity": 1, "DELETE": "on"}]
    assert (
        admin_client.post(reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, rows)).status_code
        == 302
    )
    assert not cart.items.exists()


@pytest.mark.parametrize("status", [Cart.Status.ABANDONED, Cart.Status.ORDERED])
def test_a_cart_that_is_no_longer_open_is_read_only(admin_client, status):
    cart = CartFactory(status=status)
    item = CartItemFactory(cart=cart, quantity=1)
    html = admin_client.get(reverse("admin:carts_cart_change", args=[cart.pk])).content.decode()
    assert editable_widgets(html) == ["_export-item"]  # no Save buttons, no line fields, only "export"
    assert "items-__prefix__" not in html  # no empty form to add a line
    rows = [{"id": item.pk, "product": item.product_id, "quantity": 2}]
    response = admin_client.post(reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, rows))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.quantity == 1


def test_an_open_cart_page_stays_editable(admin_client):
    cart = CartFactory()
    CartItemFactory(cart=cart)
    widgets = editable_widgets(admin_client.get(reverse("admin:carts_cart_change", args=[cart.pk])).content.decode())
    assert {"_save", "items-0-quantity", "items-0-product"} <= set(widgets)


def test_the_cart_inline_reports_every_rule_of_the_cart_service(admin_client, settings):
    """The inline's check is the service's: here the lines-per-cart limit, which it did not know before."""
    settings.CART_MAX_LINES = 1
    cart = CartFactory()
    item = CartItemFactory(cart=cart, product=ProductFactory(stock=5), quantity=1)
    extra = ProductFactory(stock=5)
    rows = [{"id": item.pk, "product": item.product_id, "quantity": 1}, {"product": extra.pk, "quantity": 1}]
    response = admin_client.post(reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, rows))
    assert response.status_code == 200
    assert "at most 1 lines" in response.content.decode()
    assert list(cart.items.values_list("product_id", flat=True)) == [item.product_id]


def test_the_cart_inline_names_the_short_line(admin_client):
    plenty, scarce = ProductFactory(stock=9), ProductFactory(stock=2)
    cart = CartFactory()
    rows = [{"product": plenty.pk, "quantity": 3}, {"product": scarce.pk, "quantity": 3}]
    response = admin_client.post(reverse("admin:carts_cart_change", args=[cart.pk]), _inline_data(cart, rows))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.errors.get("quantity") for form in formset.forms] == [None, ["Only 2 available."]]
    assert not cart.items.exists()


def test_cart_totals_have_two_places_on_every_database(admin_client):
    cart = CartFactory()
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("399.02")), quantity=2)
    CartFactory()
    response = admin_client.get(changelist(Cart))
    assert sorted(str(c.total) for c in response.context["cl"].result_list) == ["0.00", "798.04"]
    assert ">798.04<" in response.content.decode()
    assert "798.040" not in response.content.decode()


def test_clear_action_empties_the_carts(admin_client):
    carts = [CartFactory(), CartFactory()]
    for cart in carts:
        CartItemFactory(cart=cart)
    response = run_action(admin_client, Cart, "clear", carts)
    assert "2 cart(s) cleared" in " ".join(messages_of(response))
    assert not any(cart.items.exists() for cart in carts)


def test_abandon_action_reports_carts_that_are_not_open(admin_client):
    open_cart, ordered = CartFactory(), CartFactory(status=Cart.Status.ORDERED)
    response = run_action(admin_client, Cart, "abandon", [open_cart, ordered])
    text = " ".join(messages_of(response))
    assert "1 cart(s) abandoned" in text
    assert "only an open cart" in text
    assert Cart.objects.get(pk=open_cart.pk).status == "abandoned"
    assert Cart.objects.get(pk=ordered.pk).status == "ordered"


def test_merge_action_asks_for_the_customer_then_merges(admin_client):
    guest = CartFactory(user=None, session_key="guest-1")
    product = ProductFactory(stock=5)
    CartItemFactory(cart=guest, product=product, quantity=2)
    customer = UserFactory()
    form = run_action(admin_client, Cart, "merge_into_user", [guest])
    assert form.status_code == 200
    assert "admin-autocomplete" in form.content.decode()
    response = run_action(admin_client, Cart, "merge_into_user", [guest], apply="1", user=customer.pk)
    assert "1 cart(s) merged" in " ".join(messages_of(response))
    target = Cart.objects.get(user=customer, status="open")
    assert list(target.items.values_list("product_id", "quantity")) == [(product.pk, 2)]
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_merge_action_refuses_a_customer_cart(admin_client):
    owned = CartFactory()
    response = run_action(admin_client, Cart, "merge_into_user", [owned], apply="1", user=UserFactory().pk)
    assert "Only a guest cart can be merged." in " ".join(messages_of(response))


def test_carts_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:carts_cart_add")).status_code == 403
