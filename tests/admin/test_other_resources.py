from decimal import Decimal

import pytest
from import_export.results import RowResult

from shop.accounts.models import Address, User
from shop.carts.models import Cart
from shop.carts.services import cart_holder
from shop.catalog.models import Product, Review, StockReservation
from shop.orders.models import Order, OrderItem
from tests.admin.test_import_export import csv_rows, export, import_file, preview, totals
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartItemFactory,
    OrderFactory,
    ProductFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_user_export_never_contains_passwords_or_staff_flags(admin_client):
    UserFactory(email="ann@example.com")
    rows = csv_rows(export(admin_client, User))
    assert "ann@example.com" in {r["email"] for r in rows}
    assert not {"password", "is_staff", "is_superuser"} & set(rows[0])


def test_user_import_by_email_creates_users_without_usable_password_and_updates_by_email(admin_client):
    UserFactory(email="old@example.com", first_name="Old")
    content = (
        "email,first_name,last_name,phone,is_active,is_staff\n"
        "NEW@example.com,New,One,,1,1\nold@example.com,Renamed,,,1,\n"
    )
    import_file(admin_client, User, content)
    new = User.objects.get(email="new@example.com")
    assert not new.has_usable_password()
    assert not new.is_staff  # the column is ignored
    assert User.objects.get(email="old@example.com").first_name == "Renamed"


def test_user_import_with_a_bad_email_imports_nobody(admin_client):
    content = "email,first_name\ngood@example.com,Good\nnot-an-email,Bad\n"
    response = preview(admin_client, User, content)
    assert response.context.get("confirm_form") is None
    assert not User.objects.filter(email="good@example.com").exists()


def test_address_import_links_users_by_email_and_validates_country(admin_client):
    UserFactory(email="ann@example.com")
    ok = "user,label,line1,city,postcode,country,is_default\nann@example.com,Home,1 Main St,Springfield,12345,US,1\n"
    import_file(admin_client, Address, ok)
    assert Address.objects.get().user.email == "ann@example.com"
    bad = "user,label,line1,city,postcode,country\nnobody@example.com,Home,1 Main St,X,1,usa\n"
    response = preview(admin_client, Address, bad)
    assert "No user with email" in response.content.decode()
    assert Address.objects.count() == 1


def test_address_export_names_the_user(admin_client):
    AddressFactory(user=UserFactory(email="ann@example.com"))
    assert csv_rows(export(admin_client, Address))[0]["user"] == "ann@example.com"


def test_review_import_goes_through_the_review_service_and_updates_the_summary(admin_client):
    product = ProductFactory(sku="R-1")
    UserFactory(email="a@example.com")
    UserFactory(email="b@example.com")
    import_file(admin_client, Review, "user,product,rating\na@example.com,R-1,5\nb@example.com,R-1,3\n")
    product.refresh_from_db()
    assert (product.rating_rate, product.rating_count) == (Decimal("4.00"), 2)
    import_file(admin_client, Review, "user,product,rating\na@example.com,R-1,1\n")
    product.refresh_from_db()
    assert (product.rating_rate, product.rating_count, Review.objects.count()) == (Decimal("2.00"), 2, 2)


def test_imported_review_words_wait_for_moderation(admin_client):
    product = ProductFactory(sku="R-1")
    UserFactory(email="a@example.com")
    import_file(
        admin_client, Review, "user,product,rating,title,body,status\na@example.com,R-1,5,Great,Fits,approved\n"
    )
    review = Review.objects.get()
    assert (review.title, review.body, review.status) == ("Great", "Fits", "pending")  # status is not imported
    product.refresh_from_db()
    assert product.rating_count == 0


def test_review_export(admin_client):
    ReviewFactory(user=UserFactory(email="a@example.com"), product=ProductFactory(sku="R-1"), rating=4, title="Ok")
    assert csv_rows(export(admin_client, Review))[0] | {"created_at": ""} == {
        "user": "a@example.com", "product": "R-1", "rating": "4", "title": "Ok", "body": "", "status": "approved",
        "verified_purchase": "0", "created_at": "",
    }  # fmt: skip


def test_cart_export_lists_items_as_sku_and_quantity(admin_client):
    cart = CartFactory(user=UserFactory(email="c@example.com"))
    CartItemFactory(cart=cart, product=ProductFactory(sku="A"), quantity=2)
    CartItemFactory(cart=cart, product=ProductFactory(sku="B"), quantity=1)
    [row] = csv_rows(export(admin_client, Cart))
    assert (row["user"], row["lines"]) == ("c@example.com", "A:2|B:1")


def test_cart_import_writes_lines_through_the_cart_service(admin_client):
    ProductFactory(sku="A", stock=5)
    UserFactory(email="c@example.com")
    import_file(admin_client, Cart, "user,status,lines\nc@example.com,open,A:2\n")
    cart = Cart.objects.get(user__email="c@example.com")
    item = cart.items.get()
    assert (item.product.sku, item.quantity) == ("A", 2)
    assert cart.expires_at is not None
    assert StockReservation.objects.get(holder=cart_holder(cart.pk)).quantity == 2


def test_cart_import_refuses_more_than_the_stock_and_keeps_nothing(admin_client):
    ProductFactory(sku="A", stock=1)
    UserFactory(email="c@example.com")
    response = preview(admin_client, Cart, "user,status,lines\nc@example.com,open,A:3\n")
    assert response.context.get("confirm_form") is None
    assert not Cart.objects.exists()


def test_cart_import_reports_unknown_skus_and_bad_lines(admin_client):
    UserFactory(email="c@example.com")
    response = preview(admin_client, Cart, "user,status,lines\nc@example.com,open,NOPE:1\nc@example.com,open,A:x\n")
    html = response.content.decode()
    assert "No product with sku NOPE" in html
    assert "SKU:quantity" in html


def test_reimporting_an_exported_cart_is_skipped(admin_client):
    cart = CartFactory()
    CartItemFactory(cart=cart, product=ProductFactory(sku="A", stock=5), quantity=2)
    response = preview(admin_client, Cart, export(admin_client, Cart).content)
    assert totals(response) == {RowResult.IMPORT_TYPE_SKIP: 1}


def _order_with_lines():
    order = OrderFactory(number="ORD-1", user=UserFactory(email="o@example.com"), total=Decimal("25.00"))
    OrderItem.objects.create(
        order=order, sku="A", title="=evil", unit_price=Decimal("10.00"), quantity=2, line_total=Decimal("20.00")
    )
    OrderItem.objects.create(
        order=order, sku="B", title="Bee", unit_price=Decimal("5.00"), quantity=1, line_total=Decimal("5.00")
    )
    return order


def test_order_export_one_row_per_order_summarises_lines(admin_client):
    _order_with_lines()
    [row] = csv_rows(export(admin_client, Order))
    assert (row["number"], row["customer"], row["total"]) == ("ORD-1", "o@example.com", "25.00")
    assert row["lines"] == "2 x A =evil @ 10.00 | 1 x B Bee @ 5.00"


def test_order_lines_export_one_row_per_line_with_formula_escaping(admin_client):
    _order_with_lines()
    rows = csv_rows(export(admin_client, Order, resource="1"))
    assert [(r["order"], r["sku"], r["title"], r["quantity"]) for r in rows] == [
        ("ORD-1", "A", "'=evil", "2"), ("ORD-1", "B", "Bee", "1")
    ]  # fmt: skip


def test_orders_cannot_be_imported(admin_client):
    from django.urls import NoReverseMatch, reverse

    with pytest.raises(NoReverseMatch):
        reverse("admin:orders_order_import")
    assert Product.objects.count() == 0
