import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from PIL import Image

from shop.accounts.models import Address, User
from shop.carts.models import Cart, CartItem
from shop.catalog.models import Category, Product, ProductImage, StockMovement
from shop.devdata.datagen.base import Progress
from shop.orders.models import InvoiceSequence, Order, OrderItem, OrderStatusChange, Shipment
from tests.factories import StaffFactory

SMALL = {"products": 60, "categories": 12, "users": 15, "carts": 25, "orders": 40}


def generate(**overrides) -> str:
    out = io.StringIO()
    options = {**SMALL, "seed": 7, "batch_size": 16, "no_progress": True, **overrides}
    call_command("generate_data", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the seed decides, keyed by natural keys (ids depend on the database's sequences)."""
    return {
        "products": list(Product.objects.order_by("sku").values_list("sku", "title", "price", "stock", "is_active")),
        "links": sorted(Product.categories.through.objects.values_list("product__sku", "category__slug")),
        "users": list(User.objects.order_by("email").values_list("email", "first_name", "password")),
        "carts": list(
            Cart.objects.order_by("created_at", "status").values_list("user__email", "session_key", "status")
        ),
        "orders": list(Order.objects.order_by("number").values_list("number", "user__email", "status", "total")),
        "movements": sorted(StockMovement.objects.values_list("product__sku", "delta", "reason", "created_at")),
    }


@pytest.mark.django_db
def test_generates_the_requested_counts():
    generate()
    assert Product.objects.count() == 60
    assert Category.objects.count() == 12
    assert User.objects.count() == 15
    assert Cart.objects.count() == 25
    assert Order.objects.count() == 40
    assert Address.objects.filter(is_default=True).count() == 15
    assert CartItem.objects.exists() and OrderItem.objects.exists()


@pytest.mark.django_db
def test_reports_the_time_of_every_part():
    output = generate()
    for part in ("categories", "products", "users", "carts", "orders", "total"):
        assert any(line.split()[0] == part and line.endswith(" s") for line in output.splitlines()), part


@pytest.mark.django_db(transaction=True)  # flush truncates: not inside a test transaction on PostgreSQL
def test_same_seed_gives_the_same_data():
    generate()
    first = snapshot()
    generate(flush=True)
    assert snapshot() == first


@pytest.mark.django_db(transaction=True)  # flush truncates: not inside a test transaction on PostgreSQL
def test_another_seed_gives_other_data():
    generate()
    first = snapshot()
    generate(flush=True, seed=8)
    assert snapshot()["products"] != first["products"]


@pytest.mark.django_db
def test_stock_equals_the_sum_of_the_ledger_for_every_product():
    generate()
    products = Product.objects.annotate(ledger=Sum("stock_movements__delta", default=0))
    assert not products.exclude(stock=F("ledger")).exists()
    assert not Product.objects.filter(stock__lt=0).exists()


@pytest.mark.django_db
def test_every_order_line_has_its_sale_and_cancelled_orders_their_return():
    generate()
    for order in Order.objects.prefetch_related("items"):
        sales = StockMovement.objects.filter(reference=order.number, reason="sale")
        assert sorted(sales.values_list("product_id", "delta")) == sorted(
            (item.product_id, -item.quantity) for item in order.items.all()
        )
        returned = StockMovement.objects.filter(reference=order.number, reason="cancel").count()
        assert returned == (order.items.count() if order.status == "cancelled" else 0)


@pytest.mark.django_db
def test_orders_have_a_history_ending_in_their_status_and_totals_matching_lines():
    generate()
    for order in Order.objects.prefetch_related("items", "history"):
        history = list(order.history.all())
        assert history[0].from_status == "" and history[0].to_status == "pending"
        assert history[-1].to_status == order.status
        assert order.subtotal == sum(item.line_total for item in order.items.all())
        assert order.total == order.subtotal - order.discount + order.shipping + order.tax
    assert Order.objects.values("status").distinct().count() >= 3


@pytest.mark.django_db
def test_orders_that_went_through_paid_were_paid_by_one_payment_of_their_total():
    generate()
    for order in Order.objects.prefetch_related("history", "payments"):
        went_paid = "paid" in [change.to_status for change in order.history.all()]
        payments = [(p.provider, p.status, p.amount) for p in order.payments.all()]
        assert order.payment_status == ("paid" if went_paid else "unpaid"), order.number
        assert payments == ([("manual", "succeeded", order.total)] if went_paid else []), order.number


@pytest.mark.django_db
def test_paid_orders_have_gapless_invoice_numbers_in_payment_order_and_shipped_ones_a_shipment():
    generate()
    paid = Order.objects.filter(history__to_status="paid").distinct()
    numbers = list(paid.order_by("invoiced_at", "pk").values_list("invoice_number", flat=True))
    assert numbers and all(number is not None for number in numbers)
    per_year = {}
    for number in numbers:
        per_year.setdefault(number[4:8], []).append(int(number[-6:]))
    assert all(sequence == list(range(1, len(sequence) + 1)) for sequence in per_year.values()), per_year
    assert {row.year: row.last_number for row in InvoiceSequence.objects.all()} == {
        int(year): len(sequence) for year, sequence in per_year.items()
    }
    shipped = Order.objects.filter(history__to_status="shipped").distinct()
    assert shipped.exists() and all(order.shipments.count() == 1 for order in shipped)
    assert not Shipment.objects.exclude(order__in=shipped).exists()


@pytest.mark.django_db
def test_users_share_one_working_password_and_have_at_most_one_open_cart():
    generate(password="a-known-password-9")
    assert User.objects.order_by().values("password").distinct().count() == 1
    user = User.objects.order_by("email").first()
    assert user.check_password("a-known-password-9")
    assert User.objects.order_by().values("password").distinct().count() == 1, "the login re-hashed the password"
    open_per_user = Cart.objects.filter(status="open", user__isnull=False).values("user").annotate(n=Count("id"))
    assert all(row["n"] == 1 for row in open_per_user)
    assert not Cart.objects.filter(Q(user__isnull=True) & Q(session_key__isnull=True)).exists()


@pytest.mark.django_db
def test_refuses_a_database_that_already_holds_shop_data():
    generate()
    with pytest.raises(CommandError, match="--flush"):
        generate(seed=8)
    assert Product.objects.count() == 60


@pytest.mark.django_db(transaction=True)  # flush truncates: not inside a test transaction on PostgreSQL
def test_flush_replaces_the_existing_data():
    generate()
    generate(flush=True, products=10, orders=5)
    assert Product.objects.count() == 10
    assert Order.objects.count() == 5


@pytest.mark.django_db
def test_staff_accounts_alone_do_not_block_generation():
    StaffFactory()
    generate()
    assert User.objects.count() == 16


@pytest.mark.django_db
def test_orders_without_users_are_refused_before_anything_is_written():
    with pytest.raises(CommandError, match="users"):
        generate(users=0)
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_scarce_stock_is_restocked_through_the_ledger_instead_of_going_negative():
    generate(products=2, categories=1, users=3, carts=2, orders=300)
    assert StockMovement.objects.filter(reason="adjustment", reference="restock").exists()
    products = Product.objects.annotate(ledger=Sum("stock_movements__delta", default=0))
    assert not products.exclude(stock=F("ledger")).exists()


@pytest.mark.django_db
def test_timestamps_come_from_the_base_date_not_the_clock():
    generate()
    latest = max(Order.objects.values_list("updated_at", flat=True))
    assert latest.year <= 2025
    assert OrderStatusChange.objects.filter(created_at__year__gte=2026).count() == 0


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_on_a_terminal_and_ends_the_line():
    stream = Terminal()
    progress = Progress("products", 10, stream)
    progress.advance(4)
    progress.advance(6)
    progress.finish()
    text = stream.getvalue()
    assert "4/10" in text and "\rproducts" in text and "10/10" in text and text.endswith("\n")


def test_progress_bar_writes_only_the_final_line_to_a_file():
    stream = io.StringIO()
    progress = Progress("products", 10, stream)
    progress.advance(4)
    progress.advance(6)
    progress.finish()
    assert "4/10" not in stream.getvalue()
    assert stream.getvalue().count("10/10") == 1


@pytest.mark.django_db
def test_generated_orders_use_vouchers_and_add_up():
    from shop.pricing.models import ShippingMethod, TaxRate, Voucher, VoucherUse

    ShippingMethod.objects.create(code="standard", name="Standard", price="4.99", free_over="50.00")
    TaxRate.objects.create(country="US", rate="0.0825")
    generate(vouchers=5, orders=60)
    assert Voucher.objects.count() == 5
    used = Order.objects.exclude(voucher=None)
    assert used.exists() and used.filter(discount__gt=0).exists()
    assert VoucherUse.objects.count() == used.count()
    for voucher in Voucher.objects.all():
        active = voucher.uses.filter(released_at__isnull=True).count()
        assert voucher.times_used == active
    assert Order.objects.filter(tax__gt=0, shipping_method_code="standard").exists()
    for order in Order.objects.all():
        assert order.total == order.subtotal - order.discount + order.shipping + order.tax, order.number


@pytest.mark.django_db
def test_images_gives_the_first_products_a_small_primary_image_and_thumbnail():
    output = generate(images=5)
    assert any(line.split()[:2] == ["images", "5"] for line in output.splitlines())
    images = list(ProductImage.objects.select_related("product").order_by("product__sku"))
    assert [image.product.sku for image in images] == [f"GEN-{n:07d}" for n in range(1, 6)]
    assert all(image.is_primary for image in images)
    with images[0].file.open("rb") as stored:
        assert Image.open(stored).size == (images[0].width, images[0].height) == (160, 120)
    assert all(default_storage.exists(image.thumbnail.name) for image in images)


@pytest.mark.django_db
def test_no_images_unless_asked():
    generate()
    assert not ProductImage.objects.exists()


@pytest.mark.django_db
def test_more_images_than_products_are_refused():
    with pytest.raises(CommandError, match="--images"):
        generate(images=61)
    assert not Product.objects.exists()
