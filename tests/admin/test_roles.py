import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from shop.catalog.models import Product
from tests.admin.test_import_export import HEADER, export, import_file, preview
from tests.factories import OrderFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_setup_roles_is_idempotent(roles):
    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert before == after
    assert set(after) == {"Catalog managers", "Order managers"}
    assert {"import_product", "export_product", "change_product"} <= after["Catalog managers"]
    assert "change_user" not in after["Order managers"]


def test_setup_roles_restores_a_removed_permission(roles):
    group = roles["Catalog managers"]
    group.permissions.remove(*group.permissions.filter(codename="import_product"))
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert group.permissions.filter(codename="import_product").exists()


def test_catalog_manager_imports_products_but_cannot_reach_orders(catalog_client):
    import_file(catalog_client, Product, HEADER + "C-1,c-1,Cat,,1.00,,2,1,\n")
    assert Product.objects.get(sku="C-1").stock == 2
    assert catalog_client.get(reverse("admin:orders_order_changelist")).status_code == 403
    assert catalog_client.get(reverse("admin:carts_cart_changelist")).status_code == 403


def test_catalog_manager_sees_import_and_export_buttons(catalog_client):
    html = catalog_client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert reverse("admin:catalog_product_import") in html
    assert reverse("admin:catalog_product_export") in html


def test_order_manager_cannot_import_products_or_change_customers(order_client):
    assert preview(order_client, Product, HEADER).status_code == 403
    assert export(order_client, Product).status_code == 403
    customer = StaffFactory()
    url = reverse("admin:accounts_user_change", args=[customer.pk])
    response = order_client.get(url)
    assert response.status_code == 200
    assert 'name="email"' not in response.content.decode()  # read-only view
    assert order_client.post(url, {"email": "x@example.com"}).status_code == 403


def test_order_manager_moves_orders_and_exports_them(order_client, order_manager):
    order = OrderFactory(status="paid")
    order_client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "shipped"})
    order.refresh_from_db()
    assert order.status == "shipped"
    assert order.history.last().changed_by == order_manager
    assert export(order_client, type(order)).status_code == 200


def test_staff_without_a_role_can_neither_import_nor_export(client, roles):
    user = StaffFactory()
    user.user_permissions.add(
        *roles["Catalog managers"]
        .permissions.exclude(codename__startswith="import_")
        .exclude(codename__startswith="export_")
    )
    client.force_login(user)
    assert client.get(reverse("admin:catalog_product_import")).status_code == 403
    assert export(client, Product).status_code == 403
    html = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert "export_admin_action" not in html


def test_order_manager_cannot_see_order_status_buttons_without_change_permission(client, roles):
    viewer = StaffFactory()
    viewer.user_permissions.add(*roles["Order managers"].permissions.filter(codename="view_order"))
    client.force_login(viewer)
    order = OrderFactory(status="paid")
    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'value="shipped"' not in html
    assert client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "shipped"}).status_code == 403


def test_products_of_a_catalog_import_are_live_in_the_api(catalog_client, api_client):
    import_file(catalog_client, Product, HEADER + "LIVE-1,live-1,Live,,1.00,,2,1,\n")
    ProductFactory(sku="OTHER")
    response = api_client.get("/api/v1/products/", {"search": "LIVE-1"})
    if response.status_code == 404:
        pytest.skip("the products API is not mounted yet")
    assert "LIVE-1" in response.content.decode()


def test_order_manager_can_pick_products_and_customers_by_autocomplete(order_client):
    ProductFactory(title="Findable lamp")
    response = order_client.get(
        "/admin/autocomplete/",
        {"app_label": "carts", "model_name": "cartitem", "field_name": "product", "term": "lamp"},
    )
    assert [r["text"] for r in response.json()["results"]] == [str(Product.objects.get())]
    customers = order_client.get(
        "/admin/autocomplete/", {"app_label": "carts", "model_name": "cart", "field_name": "user", "term": "@"}
    )
    assert customers.status_code == 200
