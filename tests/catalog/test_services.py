"""The catalog services: the one home of each rule that the API, the admin and the imports share."""

from decimal import Decimal

import pytest

from shop.catalog.models import MAX_STOCK, Category, Product, StockMovement
from shop.catalog.services import (
    category_check_deletable,
    category_delete_many,
    product_create,
    product_set_active,
    product_update,
    stock_adjust,
)
from shop.core.exceptions import Conflict, InvalidInput
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_product_create_takes_keyword_fields_and_records_its_stock_as_one_movement(staff):
    shoes = CategoryFactory()
    product = product_create(
        sku="K-1", slug="k-1", title="Kettle", price=Decimal("9.5"), categories=[shoes.pk], stock=4, by=staff
    )
    product.refresh_from_db()
    assert (product.price, product.stock, list(product.categories.all())) == (Decimal("9.50"), 4, [shoes])
    movement = product.stock_movements.get()
    assert (movement.delta, movement.reason, movement.user) == (4, StockMovement.Reason.INITIAL, staff)


@pytest.mark.parametrize("price", ["-0", "-0.00", "-0.001"])
def test_a_negative_zero_price_is_stored_as_zero(price):
    product = product_create(sku="Z-1", slug="z-1", title="Zero", price=Decimal(price))
    assert str(Product.objects.get(pk=product.pk).price) == "0.00"
    product_update(product=product, price=Decimal(price))
    assert str(product.price) == "0.00"
    assert str(Product.objects.get(pk=product.pk).price) == "0.00"


def test_product_update_changes_only_the_given_fields():
    product = ProductFactory(title="Old", description="Kept", price=Decimal("3.00"))
    product_update(product=product, title="New")
    product.refresh_from_db()
    assert (product.title, product.description, product.price) == ("New", "Kept", Decimal("3.00"))


def test_product_set_active_touches_only_products_whose_flag_changes():
    active, inactive = ProductFactory(is_active=True), ProductFactory(is_active=False)
    before = Product.objects.get(pk=active.pk).updated_at
    changed = product_set_active(products=Product.objects.all(), is_active=True)
    assert changed == 1
    assert Product.objects.get(pk=inactive.pk).is_active
    assert Product.objects.get(pk=active.pk).updated_at == before


def test_stock_cannot_be_raised_beyond_the_integer_column():
    product = ProductFactory(stock=10)
    with pytest.raises(InvalidInput) as refused:
        stock_adjust(product=product, delta=MAX_STOCK - 9, reason=StockMovement.Reason.ADJUSTMENT)
    assert "cannot exceed" in str(refused.value.errors["stock"])
    assert Product.objects.get(pk=product.pk).stock == 10
    stock_adjust(product=product, delta=MAX_STOCK - 10, reason=StockMovement.Reason.ADJUSTMENT)
    assert Product.objects.get(pk=product.pk).stock == MAX_STOCK


# --- Categories -------------------------------------------------------------------------------------


def test_deleting_categories_refuses_all_and_names_each_that_still_has_products_or_subcategories():
    empty, used, parent = CategoryFactory(name="Empty"), CategoryFactory(name="Used"), CategoryFactory(name="Parent")
    CategoryFactory(parent=parent)
    ProductFactory(categories=[used])
    with pytest.raises(Conflict) as refused:
        category_delete_many(categories=[empty, used, parent])
    assert "Used (1 product(s))" in refused.value.detail
    assert "Parent (subcategories)" in refused.value.detail
    assert "Empty" not in refused.value.detail
    assert Category.objects.count() == 4


def test_a_parent_deleted_with_its_subcategories_goes_with_them():
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    grandchild = CategoryFactory(parent=child)
    category_check_deletable(categories=[parent, child, grandchild])
    assert category_delete_many(categories=[parent, child, grandchild]) == 3
    assert not Category.objects.exists()
