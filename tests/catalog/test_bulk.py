"""Products written many at a time (`products_save_many`, the import's path): the rules of product_create and
product_update hold batch-wise."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db.models import Sum

from shop.backoffice.audit.context import audit_context
from shop.catalog.bulk import ProductWrite, products_save_many
from shop.catalog.models import Category, Product, StockMovement
from shop.core.exceptions import InvalidInput
from tests.factories import CategoryFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


def new(sku: str, **values) -> Product:
    return Product(sku=sku, slug=sku.lower(), title=sku, price=values.pop("price", Decimal("1.00")), **values)


def ledger(product: Product) -> int:
    return product.stock_movements.aggregate(total=Sum("delta"))["total"] or 0


def test_created_products_get_their_categories_and_one_import_movement_each():
    shoes, staff = CategoryFactory(), StaffFactory()
    writes = [ProductWrite(product=new("A", stock=5), categories=[shoes]), ProductWrite(product=new("B", stock=0))]
    products_save_many(created=writes, stock_reference="import a.csv", by=staff)
    a, b = Product.objects.get(sku="A"), Product.objects.get(sku="B")
    assert list(a.categories.all()) == [shoes]
    assert list(a.stock_movements.values_list("delta", "reason", "reference", "user")) == [
        (5, StockMovement.Reason.IMPORT, "import a.csv", staff.pk)
    ]
    assert (b.stock, b.stock_movements.count()) == (0, 0)


def test_prices_are_stored_as_money():
    products_save_many(created=[ProductWrite(product=new("A", price=Decimal("-0.004")))])
    assert str(Product.objects.get(sku="A").price) == "0.00"


def test_an_update_moves_stock_from_the_locked_row_so_a_sale_meanwhile_is_kept():
    product = ProductFactory(stock=10)
    stale = Product.objects.get(pk=product.pk)
    Product.objects.filter(pk=product.pk).update(stock=7)  # a sale committed after the file was read
    StockMovement.objects.create(product=product, delta=-3, reason=StockMovement.Reason.SALE)
    stale.stock = 20
    products_save_many(updated=[ProductWrite(product=stale)])
    product.refresh_from_db()
    assert product.stock == 20 == ledger(product)
    assert product.stock_movements.order_by("-pk").first().delta == 13


def test_an_update_never_writes_the_rating_summary():
    product = ProductFactory(rating_rate=Decimal("4.00"), rating_count=2)
    stale = Product.objects.get(pk=product.pk)
    Product.objects.filter(pk=product.pk).update(rating_rate=Decimal("5.00"), rating_count=3)
    stale.title = "Renamed"
    products_save_many(updated=[ProductWrite(product=stale)])
    product.refresh_from_db()
    assert (product.title, product.rating_rate, product.rating_count) == ("Renamed", Decimal("5.00"), 3)


def test_categories_are_replaced_only_when_given():
    old, kept, added = CategoryFactory(), CategoryFactory(), CategoryFactory()
    moved, untouched = ProductFactory(categories=[old, kept]), ProductFactory(categories=[old])
    products_save_many(updated=[ProductWrite(product=moved, categories=[kept, added]), ProductWrite(product=untouched)])
    assert set(moved.categories.all()) == {kept, added}
    assert list(untouched.categories.all()) == [old]


def test_a_category_deleted_meanwhile_refuses_the_batch():
    gone = CategoryFactory()
    gone_pk = gone.pk
    Category.objects.filter(pk=gone_pk).delete()
    with pytest.raises(InvalidInput):
        products_save_many(created=[ProductWrite(product=new("A"), categories=[gone_pk])])
    assert not Product.objects.exists()


def test_a_sku_taken_meanwhile_refuses_the_batch_naming_it():
    ProductFactory(sku="TAKEN", slug="other")
    with pytest.raises(InvalidInput) as caught:
        products_save_many(created=[ProductWrite(product=new("FREE")), ProductWrite(product=new("TAKEN"))])
    assert "TAKEN" in str(caught.value.extra["errors"]["sku"])
    assert not Product.objects.filter(sku="FREE").exists()


def test_the_audit_log_gets_the_entries_the_one_by_one_services_write():
    shoes, staff = CategoryFactory(name="Shoes"), StaffFactory()
    old = ProductFactory(price=Decimal("1.00"), stock=10)
    old.price, old.stock = Decimal("2.00"), 4
    before = LogEntry.objects.count()
    with audit_context(source="import", actor=staff):
        products_save_many(
            created=[ProductWrite(product=new("A", stock=5), categories=[shoes])], updated=[ProductWrite(product=old)]
        )
    created = LogEntry.objects.get_for_object(Product.objects.get(sku="A")).order_by("pk")
    assert [e.action for e in created] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.UPDATE]
    assert created[1].changes == {"stock": [0, 5]}
    assert created[2].changes["categories"]["objects"] == ["Shoes"]
    updated = [e.changes for e in LogEntry.objects.get_for_object(old).order_by("pk")][-2:]
    assert updated == [{"price": ["1.00", "2.00"]}, {"stock": [10, 4]}]
    written = LogEntry.objects.order_by("pk")[before:]
    assert {(e.actor, e.additional_data["source"]) for e in written} == {(staff, "import")}
