"""The back office in a real browser (see tests/e2e/browser.py). Each test leaves a screenshot in
test-results/."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.orders.models import Order
from tests.e2e.browser import BROWSER_MARKS, RESULTS
from tests.factories import (
    PASSWORD,
    CartFactory,
    CartItemFactory,
    CustomerFactory,
    OrderFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
)
from tests.orders.fulfilment import paid_order

pytestmark = BROWSER_MARKS


def open_admin_as(browser, live_server, user, viewport=None):
    context = browser.new_context(base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return context, page


@pytest.fixture
def page(browser, live_server, transactional_db):
    superuser = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    context, page = open_admin_as(browser, live_server, superuser)
    yield page
    context.close()


@pytest.fixture
def catalog_manager_page(browser, live_server, transactional_db):
    """Logged in with nothing but the "Catalog managers" role."""
    call_command("setup_roles", stdout=io.StringIO())
    manager = StaffFactory(email="catalog@example.com")
    manager.groups.add(Group.objects.get(name="Catalog managers"))
    context, page = open_admin_as(browser, live_server, manager)
    yield page
    context.close()


def shot(page, name):
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"admin-{name}.png"), full_page=True)


def test_log_in_and_see_the_dashboard(page):
    for day in range(0, 30, 3):
        order = OrderFactory(total=Decimal(10 + day * 3), status="paid")
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=day))
    ProductFactory(stock=1)
    CartFactory()
    page.reload()
    assert page.locator("#site-name").inner_text() == "Shop back office"
    assert page.locator("#dashboard svg rect").count() == 30
    assert "10 orders" in page.locator("#dashboard").inner_text()
    shot(page, "dashboard")


def test_filter_products_by_low_stock(page, settings):
    ProductFactory(title="Nearly gone", stock=2)
    ProductFactory(title="Plenty", stock=500)
    page.goto("/admin/catalog/product/")
    page.click("#changelist-filter a:has-text('Low (1 to')")
    page.wait_for_url("**stock_level=low**")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Nearly gone" in rows.first.inner_text()
    shot(page, "products-low-stock")


def test_edit_a_price_in_the_list(page):
    product = ProductFactory(title="Kettle", price=Decimal("10.00"))
    page.goto("/admin/catalog/product/")
    page.fill("input[name='form-0-price']", "12.34")
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist .success")
    product.refresh_from_db()
    assert product.price == Decimal("12.34")
    shot(page, "products-price-edited")


def upload(page, path):
    page.goto("/admin/catalog/product/import/")
    page.set_input_files("#id_import_file", str(path))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    page.wait_for_selector("table.import-preview")


def test_catalog_manager_fixes_a_csv_from_the_preview_imports_it_and_sees_it_in_the_api(catalog_manager_page, tmp_path):
    page = catalog_manager_page
    csv_file = tmp_path / "catalog.csv"
    csv_file.write_text("sku,slug,title,price,stock,is_active\nBR-1,br-1,Browser Lamp,-1,7,1\n")
    upload(page, csv_file)
    assert "Some rows failed to validate" in page.content()
    assert page.locator("input[name='confirm']").count() == 0
    shot(page, "import-errors")

    csv_file.write_text("sku,slug,title,price,stock,is_active\nBR-1,br-1,Browser Lamp,19.90,7,1\n")
    upload(page, csv_file)
    assert "New" in page.locator("table.import-preview").inner_text()
    shot(page, "import-preview")
    page.click("input[name='confirm']")
    page.wait_for_selector(".messagelist .success")
    product = Product.objects.get(sku="BR-1")
    assert (product.title, product.stock) == ("Browser Lamp", 7)
    assert product.stock_movements.get().reason == "import"
    shot(page, "import-done")

    page.goto("/api/v1/products/?search=BR-1")
    assert "Browser Lamp" in page.content()


def test_clear_cart_action(page):
    cart = CartFactory()
    CartItemFactory.create_batch(2, cart=cart)
    page.goto("/admin/carts/cart/")
    page.check(f"input[name='_selected_action'][value='{cart.pk}']")
    page.select_option("select[name='action']", "clear")
    page.click("button[name='index']")
    page.wait_for_selector(".messagelist .success")
    assert not Cart.objects.get(pk=cart.pk).items.exists()
    shot(page, "cart-cleared")


def test_move_an_order_to_shipped(page):
    order = OrderFactory(status="paid")
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    page.click("button[value='shipped']")
    page.wait_for_selector(".messagelist .success")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert order.history.get().changed_by.email == "boss@example.com"
    shot(page, "order-shipped")


def test_add_a_shipment_from_the_order_page(page):
    order = paid_order(CustomerFactory())
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    page.click("text=Add shipment")
    page.fill("#id_carrier", "DHL")
    page.fill("#id_tracking_number", "JD014600006281230704")
    page.fill("#id_tracking_url", "https://dhl.example/track/JD014600006281230704")
    page.click("input[value='Record shipment']")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("text=JD014600006281230704").count() >= 1  # the shipments inline
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED and order.shipments.get().created_by.email == "boss@example.com"
    shot(page, "order-shipment-added")


@pytest.fixture
def laptop_page(browser, live_server, transactional_db):
    """A superuser on a 1366 px wide screen, the shop's FakeStore catalogue loaded (long real titles)."""
    call_command("seed_fixtures", stdout=io.StringIO())
    superuser = UserFactory(email="laptop@example.com", is_staff=True, is_superuser=True)
    context, page = open_admin_as(browser, live_server, superuser, viewport={"width": 1366, "height": 768})
    yield page
    context.close()


def columns_off_screen(page) -> list[str]:
    """The changelist's column headers that end beyond the window or beyond the list's box (which scrolls
    sideways, so they are hidden until one scrolls)."""
    box = page.locator("#changelist .results").bounding_box()
    limit = min(page.viewport_size["width"], box["x"] + box["width"]) + 1
    headers = page.locator("#result_list thead th")
    boxes = [(headers.nth(i).get_attribute("class"), headers.nth(i).bounding_box()) for i in range(headers.count())]
    return [name for name, header in boxes if header["x"] + header["width"] > limit]


@pytest.mark.parametrize("path", ["/admin/catalog/product/", "/admin/catalog/stockmovement/"])
def test_lists_fit_a_1366_px_screen(laptop_page, path):
    laptop_page.goto(path)
    assert laptop_page.locator("#result_list tbody tr").count() == 20
    shot(laptop_page, f"1366-{path.strip('/').replace('/', '-')}")
    assert columns_off_screen(laptop_page) == []
