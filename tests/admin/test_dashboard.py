from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.backoffice.dashboard import sales_chart, sales_numbers
from shop.carts.models import Cart
from shop.orders.models import Order
from tests.factories import CartFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _order_days_ago(days, total, status="paid"):
    order = OrderFactory(total=Decimal(total), subtotal=Decimal(total), status=status)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))
    return order


def test_sales_numbers_per_period_exclude_cancelled_orders():
    _order_days_ago(0, "10.00")
    _order_days_ago(0, "99.00", status="cancelled")
    _order_days_ago(3, "5.00")
    _order_days_ago(20, "1.00")
    _order_days_ago(40, "1000.00")
    assert [(p["orders"], p["revenue"]) for p in sales_numbers()] == [
        (1, Decimal("10.00")), (2, Decimal("15.00")), (3, Decimal("16.00"))
    ]  # fmt: skip


def test_sales_chart_has_one_bar_per_day_scaled_to_the_peak():
    _order_days_ago(0, "20.00")
    _order_days_ago(1, "10.00")
    chart = sales_chart()
    assert len(chart["bars"]) == 30
    today, yesterday = chart["bars"][-1], chart["bars"][-2]
    assert today["revenue"] == Decimal("20.00")
    assert today["height"] == pytest.approx(2 * yesterday["height"])
    assert chart["bars"][0]["height"] == 0


def test_dashboard_shows_numbers_links_and_inline_svg(admin_client, settings):
    settings.LOW_STOCK_THRESHOLD = 3
    _order_days_ago(0, "12.50")
    CartFactory()
    CartFactory(status=Cart.Status.ABANDONED)
    ProductFactory(stock=2)
    ProductFactory(stock=0)
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Shop back office" in html
    assert "revenue 12.50" in html
    assert "1 open" in html and "1 abandoned" in html
    assert "1 low" in html and "1 out of stock" in html
    assert "?is_active__exact=1&amp;stock_level=low" in html
    assert "<svg" in html and "<rect" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


@pytest.mark.parametrize("orders", [1, 30])
def test_dashboard_makes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, orders):
    for day in range(orders):
        _order_days_ago(day % 30, "1.00")
    ProductFactory.create_batch(3, stock=1)
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("admin:index")).status_code == 200


def test_catalog_managers_see_stock_but_not_sales_or_carts(catalog_client):
    _order_days_ago(0, "12.50")
    html = catalog_client.get(reverse("admin:index")).content.decode()
    assert "out of stock" in html
    assert "revenue" not in html
    assert "abandoned" not in html


def test_order_managers_see_sales_and_carts(order_client):
    _order_days_ago(0, "12.50")
    html = order_client.get(reverse("admin:index")).content.decode()
    assert "revenue 12.50" in html
    assert "abandoned" in html


def test_revenue_counts_what_orders_charged_shipping_and_tax_included():
    OrderFactory(
        subtotal=Decimal("40.00"), discount=Decimal("4.00"), shipping=Decimal("4.99"), tax=Decimal("3.38"),
        total=Decimal("44.37"), status="paid",
    )  # fmt: skip
    OrderFactory(subtotal=Decimal("50.00"), total=Decimal("50.00"), status="cancelled")
    assert sales_numbers()[0]["revenue"] == Decimal("44.37")
