"""Products and categories: every change from the admin, the API and the import is logged with its actor,
its source and the field diff."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.catalog.models import Category, Product
from tests.admin.helpers import run_action
from tests.admin.test_import_export import HEADER, import_file, preview
from tests.backoffice.helpers import entries_of, last_entry, product_form, source
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_admin_product_form_logs_price_and_active_with_the_staff_user(admin_client, superuser):
    product = ProductFactory(price=Decimal("10.00"))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(url, product_form(product, price="12.50", is_active=False))
    assert response.status_code == 302
    entry = last_entry(product)
    assert (entry.actor, source(entry), entry.action) == (superuser, "admin", LogEntry.Action.UPDATE)
    assert entry.changes == {"price": ["10.00", "12.50"], "is_active": [True, False]}


def test_admin_product_form_logs_a_stock_change_from_the_ledger_with_its_reason(admin_client, superuser):
    product = ProductFactory(stock=10)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    admin_client.post(url, product_form(product, stock="15"))
    entry = last_entry(product)
    assert entry.changes == {"stock": [10, 15]}
    assert (entry.actor, source(entry), entry.additional_data["reason"]) == (superuser, "admin", "adjustment")


def test_admin_product_form_logs_categories_added_and_removed(admin_client, superuser):
    old, new = CategoryFactory(name="Old"), CategoryFactory(name="New")
    product = ProductFactory(categories=[old])
    admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), product_form(product, categories=[new.pk])
    )
    changes = [e.changes["categories"] for e in entries_of(product) if "categories" in e.changes][-2:]
    assert {(c["operation"], tuple(c["objects"])) for c in changes} == {("delete", ("Old",)), ("add", ("New",))}


def test_admin_product_creation_logs_the_new_product_and_its_initial_stock(admin_client, superuser):
    data = product_form(Product(title="New", slug="new", sku="NEW-1", price=Decimal("2.00"), stock=5))
    assert admin_client.post(reverse("admin:catalog_product_add"), data).status_code == 302
    created, stocked = entries_of(Product.objects.get(sku="NEW-1"))
    assert created.action == LogEntry.Action.CREATE
    assert created.changes["price"] == [None, "2.00"]
    assert stocked.changes == {"stock": [0, 5]}
    assert {created.actor, stocked.actor} == {superuser}
    assert {source(created), source(stocked)} == {"admin"}


def test_admin_bulk_deactivate_logs_each_product(admin_client, superuser):
    products = ProductFactory.create_batch(3)
    run_action(admin_client, Product, "deactivate", products)
    for product in products:
        entry = last_entry(product)
        assert (entry.changes, entry.actor, source(entry)) == ({"is_active": [True, False]}, superuser, "admin")


def test_admin_adjust_stock_action_logs_each_product_with_the_note(admin_client, superuser):
    products = ProductFactory.create_batch(2, stock=4)
    run_action(admin_client, Product, "adjust_stock", products, apply="1", delta="3", reason="return", note="RMA-7")
    for product in products:
        entry = last_entry(product)
        assert entry.changes == {"stock": [4, 7]}
        assert (entry.actor, entry.additional_data["reason"], entry.additional_data["reference"]) == (
            superuser,
            "return",
            "RMA-7",
        )


def test_api_patch_with_a_jwt_logs_the_token_user_and_the_api_source(staff_client, staff):
    product = ProductFactory(price=Decimal("10.00"), stock=3)
    response = staff_client.patch(f"/api/v1/products/{product.pk}/", {"price": "8.00", "stock": 1}, format="json")
    assert response.status_code == 200, response.content
    price, stock = entries_of(product)[-2:]
    assert price.changes == {"price": ["10.00", "8.00"]}
    assert stock.changes == {"stock": [3, 1]}
    assert {price.actor, stock.actor} == {staff}
    assert {source(price), source(stock)} == {"api"}
    assert price.cid == response["X-Request-ID"]  # the entry leads to the request's log line


def test_api_category_update_logs_name_and_parent(staff_client, staff):
    parent = CategoryFactory()
    category = CategoryFactory(name="Old")
    response = staff_client.patch(f"/api/v1/categories/{category.pk}/", {"name": "New", "parent": parent.pk})
    assert response.status_code == 200, response.content
    entry = last_entry(category)
    assert entry.changes == {"name": ["Old", "New"], "parent": [None, parent.pk]}
    assert (entry.actor, source(entry)) == (staff, "api")


def test_admin_category_form_logs_name_and_parent(admin_client, superuser):
    parent, category = CategoryFactory(name="Parent"), CategoryFactory(name="Old", slug="old")
    data = {"name_en": "New", "slug": "old", "parent": parent.pk, "description_en": ""}
    assert admin_client.post(reverse("admin:catalog_category_change", args=[category.pk]), data).status_code == 302
    entry = last_entry(category)
    assert entry.changes == {"name": ["Old", "New"], "parent": [None, parent.pk]}
    assert (entry.actor, source(entry)) == (superuser, "admin")


def test_a_refused_api_write_logs_nothing(staff_client):
    product = ProductFactory(stock=1)
    before = LogEntry.objects.count()
    response = staff_client.patch(f"/api/v1/products/{product.pk}/", {"price": "-1"}, format="json")
    assert response.status_code == 400
    assert LogEntry.objects.count() == before


def test_admin_import_logs_created_and_updated_products_as_import(admin_client, superuser):
    CategoryFactory(slug="shoes")
    old = ProductFactory(sku="OLD", slug="old", title="Old", description="", price=Decimal("1.00"), stock=10)
    response = import_file(admin_client, Product, HEADER + "NEW,new,New,,2.50,,5,1,shoes\nOLD,old,Old,,9.99,,3,1,\n")
    assert response.status_code == 302
    new_entries = entries_of(Product.objects.get(sku="NEW"))
    assert new_entries[0].action == LogEntry.Action.CREATE
    assert {"stock": [0, 5]} in [e.changes for e in new_entries]
    old_changes = [e.changes for e in entries_of(old)][-2:]
    assert old_changes == [{"price": ["1.00", "9.99"]}, {"stock": [10, 3]}]
    for entry in new_entries + entries_of(old)[-2:]:
        assert (entry.actor, source(entry)) == (superuser, "import")


def test_the_import_preview_does_no_audit_work(admin_client):
    ProductFactory(sku="OLD", slug="old", stock=1)
    with CaptureQueriesContext(connection) as queries:
        response = preview(admin_client, Product, HEADER + "NEW,new,New,,2.50,,5,1,\nOLD,old,Old,,9.99,,3,1,\n")
    assert response.context["confirm_form"] is not None
    assert not [q["sql"] for q in queries if "auditlog_logentry" in q["sql"]]  # rolled back anyway: not even written


def test_an_import_without_confirm_step_is_logged_in_one_go(admin_client, settings, superuser):
    settings.IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = True
    response = preview(admin_client, Product, HEADER + "NEW,new,New,,2.50,,5,1,\n")
    assert response.status_code == 302
    entry = last_entry(Product.objects.get(sku="NEW"))
    assert (entry.changes, entry.actor, source(entry)) == ({"stock": [0, 5]}, superuser, "import")


def test_category_import_logs_as_import(admin_client, superuser):
    import_file(admin_client, Category, "slug,name,parent,description\nhats,Hats,,\n")
    entry = last_entry(Category.objects.get(slug="hats"))
    assert (entry.action, entry.actor, source(entry)) == (LogEntry.Action.CREATE, superuser, "import")


def test_sales_and_rating_summaries_write_no_product_entry(customer_client, customer):
    product = ProductFactory(stock=5)
    before = len(entries_of(product))
    customer_client.post(f"/api/v1/products/{product.pk}/rating/", {"value": 4})
    assert len(entries_of(product)) == before
