import pytest
from django.urls import reverse
from django.utils import timezone

from shop.orders.models import IdempotencyKey, Order, OrderItem
from tests.admin.helpers import changelist, editable_widgets, messages_of, run_action, set_page_size
from tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _order(status="pending", stock=5, quantity=2):
    product = ProductFactory(stock=stock)
    order = OrderFactory(status=status)
    OrderItem.objects.create(
        order=order, product=product, sku=product.sku, title=product.title, unit_price=product.price,
        quantity=quantity, line_total=product.price * quantity,
    )  # fmt: skip
    return order, product


@pytest.mark.parametrize("page_size", [1, 100])
def test_order_list_makes_a_fixed_number_of_queries(
    admin_client, monkeypatch, django_assert_max_num_queries, page_size
):
    OrderFactory.create_batch(20)
    set_page_size(monkeypatch, Order, page_size)
    with django_assert_max_num_queries(8):
        response = admin_client.get(changelist(Order))
    assert len(response.context["cl"].result_list) == min(page_size, 20)


def test_order_filters_by_status(admin_client):
    paid = OrderFactory(status="paid")
    OrderFactory(status="pending")
    response = admin_client.get(changelist(Order), {"status__exact": "paid"})
    assert list(response.context["cl"].result_list) == [paid]


def test_order_page_offers_only_the_allowed_moves(admin_client):
    order, _ = _order(status="paid")
    html = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'value="shipped"' in html
    assert 'value="cancelled"' in html
    assert 'value="delivered"' not in html
    assert 'value="paid"' not in html


def test_status_button_moves_the_order_and_records_the_staff_user(admin_client, superuser):
    order, _ = _order(status="paid")
    response = admin_client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "shipped"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    change = order.history.last()
    assert (change.from_status, change.to_status, change.changed_by) == ("paid", "shipped", superuser)


def test_status_button_refuses_a_move_that_is_not_allowed(admin_client):
    order, _ = _order(status="pending")
    response = admin_client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "delivered"})
    assert "Cannot move an order from pending to delivered" in " ".join(messages_of(response))
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_status_view_needs_post(admin_client):
    order, _ = _order()
    assert admin_client.get(reverse("admin:orders_order_status", args=[order.pk])).status_code == 405


def test_cancel_action_restores_stock_with_cancel_movements(admin_client, superuser):
    order, product = _order(status="paid", stock=5, quantity=2)
    run_action(admin_client, Order, "mark_cancelled", [order])
    product.refresh_from_db()
    assert product.stock == 7
    movement = product.stock_movements.first()
    assert (movement.reason, movement.delta, movement.reference, movement.user) == (
        "cancel",
        2,
        order.number,
        superuser,
    )
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_status_actions_move_allowed_orders_and_report_the_others(admin_client):
    pending, _ = _order(status="pending")
    shipped, _ = _order(status="shipped")
    response = run_action(admin_client, Order, "mark_paid", [pending, shipped])
    text = " ".join(messages_of(response))
    assert "1 order(s) paid" in text
    assert "from shipped to paid" in text
    assert Order.objects.get(pk=pending.pk).status == "paid"


def test_order_page_shows_lines_and_history_read_only(admin_client):
    order, product = _order()
    html = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert product.sku in html
    assert 'name="items-0-quantity"' not in html


def test_orders_cannot_be_added_or_deleted(admin_client):
    order, _ = _order()
    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert admin_client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


def test_order_page_is_read_only_without_save_buttons(admin_client):
    order, _ = _order(status="paid")
    url = reverse("admin:orders_order_change", args=[order.pk])
    html = admin_client.get(url).content.decode()
    assert editable_widgets(html) == ["_export-item"]  # no Save buttons or fields, only "export this order"
    assert 'value="shipped"' in html  # the status moves stay
    response = admin_client.post(url, {"shipping_city": "Elsewhere", "_save": "Save"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "paid"


def test_idempotency_key_page_is_read_only(admin_client, customer):
    key = IdempotencyKey.objects.create(
        user=customer, key="k-1", request_fingerprint="f", expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    html = admin_client.get(reverse("admin:orders_idempotencykey_change", args=[key.pk])).content.decode()
    assert editable_widgets(html) == []
