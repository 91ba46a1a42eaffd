"""The admin side: every audited change page's History shows the audit entries; the global list filters by
user, model, source and date, is read-only, and shows each role only what it may view."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from shop.catalog.models import Category, Product
from shop.catalog.services import product_update
from shop.orders.models import Order
from tests.admin.helpers import changelist
from tests.backoffice.helpers import entries_of, product_form
from tests.factories import CategoryFactory, OrderFactory, ProductFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
LOG_LIST = reverse("admin:auditlog_logentry_changelist")


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def edit_price(product, times: int) -> None:
    for i in range(times):
        product_update(product=product, price=Decimal(i + 1))


def test_product_history_shows_user_time_source_and_diff(admin_client, superuser):
    product = ProductFactory(price=Decimal("10.00"), stock=2)
    admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), product_form(product, price="12.50"))
    html = admin_client.get(history_url(product)).content.decode()
    assert 'id="audit-history"' in html
    assert superuser.email in html
    assert "Admin" in html
    assert "10.00" in html and "12.50" in html
    assert "stock ledger" in html


@pytest.mark.parametrize("edits", [1, 30])
def test_history_page_makes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, edits):
    product = ProductFactory()
    edit_price(product, edits)
    with django_assert_max_num_queries(8):
        response = admin_client.get(history_url(product))
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(len(entries_of(product)), 50) > edits


@pytest.mark.parametrize("make", [CategoryFactory, OrderFactory, UserFactory])
def test_every_audited_model_has_the_audit_history(admin_client, make):
    obj = make()
    response = admin_client.get(history_url(obj))
    assert response.status_code == 200
    assert "entries" in response.context


def test_history_of_a_password_change_says_changed_only(admin_client):
    user = UserFactory()
    user.set_password("another-secret-99")
    user.save()
    html = admin_client.get(history_url(user)).content.decode()
    assert "changed (value not recorded)" in html
    assert user.password not in html


def test_staff_without_the_audit_permission_get_djangos_own_history(client):
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(staff)
    response = client.get(history_url(ProductFactory()))
    assert response.status_code == 200
    assert "entries" not in response.context
    assert "action_list" in response.context


def test_catalog_manager_reads_product_history_and_only_catalog_entries(catalog_client):
    product = ProductFactory()
    UserFactory()  # a user entry the catalog role may not see
    assert catalog_client.get(history_url(product)).context["entries"]
    response = catalog_client.get(LOG_LIST)
    assert response.status_code == 200
    models = {entry.content_type.model for entry in response.context["cl"].result_list}
    assert models == {"product"}


def test_staff_without_the_permission_cannot_open_the_log(client):
    client.force_login(StaffFactory())
    assert client.get(LOG_LIST).status_code == 403


@pytest.mark.parametrize("rows", [2, 40])
def test_log_list_makes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, rows):
    for _ in range(rows // 2):
        ProductFactory()  # a creation and its initial stock
    with django_assert_max_num_queries(10):
        response = admin_client.get(LOG_LIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(LogEntry.objects.count(), 50)


def test_log_list_filters_by_user_model_source_and_date(admin_client, superuser):
    staff = StaffFactory()
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        old = ProductFactory(stock=0)
    category = CategoryFactory()
    product = ProductFactory(stock=0)
    admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), product_form(product, price="3.00"))

    def listed(**params):
        result = admin_client.get(LOG_LIST, params).context["cl"].result_list
        return {(e.content_type.model, e.object_pk, e.action) for e in result}

    admin_entry = ("product", str(product.pk), LogEntry.Action.UPDATE)
    assert listed(actor=superuser.pk) == {admin_entry}
    assert listed(actor=staff.pk) == set()
    category_type = ContentType.objects.get_for_model(Category).pk
    assert listed(model=category_type) == {("category", str(category.pk), LogEntry.Action.CREATE)}
    assert listed(source="admin") == {admin_entry}
    old_entry = ("product", str(old.pk), LogEntry.Action.CREATE)
    assert old_entry not in listed(timestamp__gte=str(timezone.now().date()))
    assert old_entry in listed()


def test_log_list_searches_by_object_and_actor_email(admin_client, superuser):
    ProductFactory(sku="FIND-ME", title="Kettle", stock=0)
    ProductFactory(sku="OTHER", stock=0)
    found = admin_client.get(LOG_LIST, {"q": "FIND-ME"}).context["cl"].result_list
    assert {e.object_repr for e in found} == {"FIND-ME Kettle"}


def test_log_is_read_only_even_for_superusers(admin_client):
    (entry,) = entries_of(ProductFactory(stock=0))
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert "Price" in page.content.decode()
    assert admin_client.post(change, {}).status_code == 403
    assert (
        admin_client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_setup_roles_gives_both_roles_the_audit_view_permission(roles):
    for group in roles.values():
        assert group.permissions.filter(content_type__app_label="auditlog", codename="view_logentry").exists()


def test_product_and_order_changelists_keep_their_query_counts(admin_client, django_assert_max_num_queries):
    for product in ProductFactory.create_batch(20):
        edit_price(product, 2)
    OrderFactory.create_batch(5, status=Order.Status.PENDING)
    with django_assert_max_num_queries(12):
        assert admin_client.get(changelist(Product)).status_code == 200
    with django_assert_max_num_queries(12):
        assert admin_client.get(changelist(Category)).status_code == 200
