import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from shop.accounts.models import User
from shop.catalog.models import Product
from tests.accounts.utils import refresh_for
from tests.admin.helpers import run_action
from tests.admin.test_import_export import HEADER, export, import_file, preview
from tests.conftest import with_every_permission
from tests.factories import OrderFactory, ProductFactory, StaffFactory, UserFactory

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


# --- what only a superuser may do, in the admin -----------------------------------------------------------


@pytest.fixture
def manager_client(roles):
    """A staff member holding every model permission, yet no superuser (a client of its own, beside
    `admin_client`)."""
    manager = Client()
    manager.force_login(with_every_permission(StaffFactory()))
    return manager


def _change_page(client, user) -> str:
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_privilege_fields_are_read_only_for_a_non_superuser(manager_client, admin_client):
    customer = UserFactory()
    html = _change_page(manager_client, customer)
    for name in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{name}"' not in html, name
    assert 'name="email"' in html and 'name="is_active"' in html  # a customer's account is theirs to manage
    assert 'name="is_superuser"' in _change_page(admin_client, customer)


def test_another_staff_members_email_and_active_flag_are_read_only_for_a_non_superuser(manager_client):
    html = _change_page(manager_client, StaffFactory())
    assert 'name="email"' not in html and 'name="is_active"' not in html


def test_a_non_superuser_posting_privilege_fields_changes_nothing(manager_client):
    customer = UserFactory()
    data = {
        "email": customer.email, "first_name": "New", "last_name": "", "phone": "", "is_active": "on",
        "is_staff": "on", "is_superuser": "on", "addresses-TOTAL_FORMS": 0, "addresses-INITIAL_FORMS": 0,
        "wishlist-TOTAL_FORMS": 0, "wishlist-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = manager_client.post(reverse("admin:accounts_user_change", args=[customer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.first_name == "New"
    assert (customer.is_staff, customer.is_superuser) == (False, False)


def test_the_password_page_of_another_staff_member_is_for_superusers_only(manager_client, admin_client):
    colleague, customer = StaffFactory(), UserFactory()
    page = "admin:auth_user_password_change"
    assert manager_client.get(reverse(page, args=[colleague.pk])).status_code == 403
    assert manager_client.get(reverse(page, args=[customer.pk])).status_code == 200
    assert admin_client.get(reverse(page, args=[colleague.pk])).status_code == 200


def test_deleting_a_staff_members_account_is_for_superusers_only(manager_client):
    colleague = StaffFactory()
    assert manager_client.get(reverse("admin:accounts_user_delete", args=[colleague.pk])).status_code == 403
    response = run_action(manager_client, User, "delete_selected", [colleague], post="yes")
    assert response.status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()


def test_a_password_set_in_the_admin_is_validated_and_revokes_the_users_sessions(admin_client, api_client):
    customer = UserFactory()
    refresh = refresh_for(customer)
    url = reverse("admin:auth_user_password_change", args=[customer.pk])
    weak = admin_client.post(url, {"password1": "123", "password2": "123", "usable_password": "true"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    strong = "a-new-admin-set-passphrase-1"
    admin_client.post(url, {"password1": strong, "password2": strong, "usable_password": "true"})
    customer.refresh_from_db()
    assert customer.check_password(strong)
    assert api_client.post("/api/v1/auth/refresh/", {"refresh": refresh}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("label", "changelist"),
    [
        ("Outstanding Tokens", "admin:token_blacklist_outstandingtoken_changelist"),
        ("Blacklisted Tokens", "admin:token_blacklist_blacklistedtoken_changelist"),
        ("Idempotency keys", "admin:orders_idempotencykey_changelist"),
        ("Groups", "admin:auth_group_changelist"),
    ],
)
def test_token_idempotency_and_group_tables_are_for_superusers_only(manager_client, admin_client, label, changelist):
    assert label not in manager_client.get(reverse("admin:index")).content.decode()
    assert manager_client.get(reverse(changelist)).status_code == 403
    assert label in admin_client.get(reverse("admin:index")).content.decode()
    assert admin_client.get(reverse(changelist)).status_code == 200


def test_order_status_moves_in_the_admin_need_the_change_order_status_permission(client, roles):
    clerk = StaffFactory()
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_order", "change_order"]))
    client.force_login(clerk)
    order = OrderFactory(status="paid")
    assert 'value="shipped"' not in client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "shipped"}).status_code == 403


def test_stock_is_read_only_in_the_admin_without_the_adjust_stock_permission(client, roles):
    editor = StaffFactory()
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "change_product"]))
    client.force_login(editor)
    product = ProductFactory(stock=5)
    assert 'name="stock"' not in client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()
    actions = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert 'value="adjust_stock"' not in actions and 'value="activate"' in actions
