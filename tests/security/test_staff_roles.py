"""Staff powers are Django model permissions in the API as in the admin (API.md, "Staff roles"); what only a
superuser may do stays a superuser's, whatever permissions a staff member holds."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from shop.catalog.models import Product
from shop.core.exceptions import InvalidTransition
from shop.orders import services as order_services
from shop.orders.models import Order
from tests.conftest import client_for
from tests.factories import PASSWORD, OrderFactory, ProductFactory, StaffFactory, UserFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-passphrase-77"


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {group.name: group for group in Group.objects.all()}


def member(roles, name):
    user = StaffFactory()
    user.groups.add(roles[name])
    return user


def holder(*codenames):
    """A staff member holding exactly these permissions (`app.codename`)."""
    user = StaffFactory()
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def admin_login_works(client, user, password) -> bool:
    response = client.post("/admin/login/?next=/admin/", {"username": user.email, "password": password})
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_a_catalog_manager_cannot_take_the_superuser_over(roles, client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    manager = client_for(member(roles, "Catalog managers"))
    response = manager.patch(f"/api/v1/users/{superuser.pk}/", {"password": NEW_PASSWORD}, format="json")
    assert_problem(response, 404, "not_found")
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert not admin_login_works(client, superuser, NEW_PASSWORD)


@pytest.mark.parametrize("change", [{"password": NEW_PASSWORD}, {"email": "mallory@example.com"}, {"is_active": False}])
def test_a_user_manager_may_not_change_another_staff_members_password_email_or_active_flag(change):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    manager = client_for(holder("accounts.view_user", "accounts.change_user", "accounts.delete_user"))
    response = manager.patch(f"/api/v1/users/{superuser.pk}/", change, format="json")
    assert_problem(response, 403, "permission_denied")
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD) and superuser.is_active and superuser.email != "mallory@example.com"
    assert_problem(manager.delete(f"/api/v1/users/{superuser.pk}/"), 403, "permission_denied")


def test_a_user_manager_does_change_a_customers_password_and_a_superuser_a_staff_members(api_client):
    customer, colleague = UserFactory(), StaffFactory()
    manager = client_for(holder("accounts.view_user", "accounts.change_user"))
    assert manager.patch(f"/api/v1/users/{customer.pk}/", {"password": NEW_PASSWORD}, format="json").status_code == 200
    superuser = client_for(UserFactory(is_staff=True, is_superuser=True))
    assert superuser.patch(f"/api/v1/users/{colleague.pk}/", {"password": NEW_PASSWORD}).status_code == 200
    for user in (customer, colleague):
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)


def test_an_order_manager_cannot_edit_prices(roles):
    product = ProductFactory(price=Decimal("10.00"))
    manager = client_for(member(roles, "Order managers"))
    response = manager.patch(f"/api/v1/products/{product.pk}/", {"price": "0.01"}, format="json")
    assert_problem(response, 403, "permission_denied")
    assert Product.objects.get(pk=product.pk).price == product.price


def test_changing_stock_in_the_api_needs_the_adjust_stock_permission():
    product = ProductFactory(stock=10)
    editor = client_for(holder("catalog.view_product", "catalog.change_product"))
    assert_problem(
        editor.patch(f"/api/v1/products/{product.pk}/", {"stock": 99}, format="json"), 403, "permission_denied"
    )
    assert editor.patch(f"/api/v1/products/{product.pk}/", {"stock": 10, "title": "Same stock"}).status_code == 200
    stocker = client_for(holder("catalog.change_product", "catalog.adjust_stock"))
    assert stocker.patch(f"/api/v1/products/{product.pk}/", {"stock": 99}, format="json").status_code == 200
    assert Product.objects.get(pk=product.pk).stock == 99


def test_staff_without_view_permissions_see_only_their_own_carts_and_orders(roles):
    manager = member(roles, "Catalog managers")
    OrderFactory()
    mine = OrderFactory(user=manager)
    client = client_for(manager)
    assert [row["id"] for row in client.get("/api/v1/orders/").json()["results"]] == [mine.pk]
    assert client.get("/api/v1/carts/").json()["count"] == 0
    assert client.get("/api/v1/products/", {"is_active": "false"}).status_code == 200  # catalog.view_product


def test_order_managers_move_and_cancel_others_orders_with_the_named_permission(roles):
    paid = OrderFactory(status="paid")
    viewer = client_for(holder("orders.view_order", "orders.change_order"))
    assert_problem(viewer.post(f"/api/v1/orders/{paid.pk}/cancel/"), 403, "permission_denied")
    assert_problem(viewer.post(f"/api/v1/orders/{paid.pk}/status/", {"status": "shipped"}), 403, "permission_denied")
    manager = client_for(member(roles, "Order managers"))
    assert manager.post(f"/api/v1/orders/{paid.pk}/status/", {"status": "shipped"}).json()["status"] == "shipped"


def test_the_owner_cannot_move_their_own_order():
    order = OrderFactory()
    response = client_for(order.user).post(f"/api/v1/orders/{order.pk}/status/", {"status": "paid"}, format="json")
    assert_problem(response, 403, "permission_denied")


def test_order_cancel_takes_the_staff_rule_from_the_permission_not_is_staff():
    paid = OrderFactory(status="paid")
    with pytest.raises(InvalidTransition):
        order_services.order_cancel(order=paid, by=StaffFactory())
    order_services.order_cancel(order=paid, by=holder("orders.change_order_status"))
    assert Order.objects.get(pk=paid.pk).status == "cancelled"


def test_setup_roles_grants_the_named_permissions(roles):
    catalog = set(roles["Catalog managers"].permissions.values_list("codename", flat=True))
    orders = set(roles["Order managers"].permissions.values_list("codename", flat=True))
    assert "adjust_stock" in catalog and "change_order_status" not in catalog
    assert "change_order_status" in orders and not {"adjust_stock", "change_product", "change_user"} & orders


def test_services_decide_nothing_from_is_staff_nor_import_drf():
    root = Path(__file__).resolve().parents[2] / "shop"
    for path in root.glob("*/services.py"):
        source = path.read_text(encoding="utf-8")
        assert "rest_framework" not in source, path
        assert "is_staff(" not in source, path
    assert "def is_staff" not in (root / "core" / "permissions.py").read_text(encoding="utf-8")
