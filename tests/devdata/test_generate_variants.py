"""`generate_data --variants PERCENT`: that share of the products are parents with 2-6 variants, in bulk, and
the generated shop obeys the catalog's variant rules (options, stock, the parent's price)."""

import pytest
from django.core.management import CommandError
from django.db.models import Count, F, Min, Q, Sum

from shop.carts.models import CartItem
from shop.catalog import variants as rules
from shop.catalog.models import Attribute, Product, ProductImage, ProductOption, StockMovement
from shop.orders.models import OrderItem
from tests.devdata.test_generate_data import generate, snapshot

pytestmark = pytest.mark.django_db

Structure = Product.Structure


def test_the_share_of_products_are_parents_with_two_to_six_variants():
    generate(products=200, variants=30)
    parents = Product.objects.filter(structure=Structure.PARENT).annotate(n=Count("variants"))
    listed = Product.objects.exclude(structure=Structure.CHILD).count()
    assert listed == 200
    assert 40 <= parents.count() <= 80  # 30 % of 200, drawn
    assert all(2 <= parent.n <= 6 for parent in parents)
    assert Product.objects.filter(structure=Structure.CHILD).count() == sum(parent.n for parent in parents)


def test_each_variant_has_one_value_per_attribute_of_its_parent_and_siblings_differ():
    generate(products=120, variants=50)
    for parent in Product.objects.filter(structure=Structure.PARENT).prefetch_related("option_attributes"):
        wanted = {attribute.pk for attribute in parent.option_attributes.all()}
        keys = []
        for child in parent.variants.prefetch_related("option_values__value"):
            rows = list(child.option_values.all())
            assert {row.attribute_id for row in rows} == wanted and len(rows) == len(wanted)
            assert all(row.value.attribute_id == row.attribute_id for row in rows)
            keys.append(child.option_key)
        assert len(set(keys)) == len(keys), parent.sku
    assert set(Attribute.objects.values_list("slug", flat=True)) == {"size", "colour"}


def test_a_parent_costs_what_its_cheapest_active_variant_costs_and_has_no_stock():
    generate(products=150, variants=40)
    parents = Product.objects.filter(structure=Structure.PARENT).annotate(
        cheapest=Min("variants__price", filter=Q(variants__is_active=True))
    )
    assert parents.exists()
    for parent in parents:
        if parent.cheapest is not None:
            assert parent.price == parent.cheapest, parent.sku
    assert not parents.exclude(stock=0).exists()
    assert not StockMovement.objects.filter(product__structure=Structure.PARENT).exists()


def test_variants_are_stocked_through_the_ledger():
    generate(products=150, variants=40)
    children = Product.objects.filter(structure=Structure.CHILD).annotate(
        ledger=Sum("stock_movements__delta", default=0)
    )
    assert children.filter(stock__gt=0).exists()
    assert not children.exclude(stock=F("ledger")).exists()


def test_carts_and_orders_hold_variants_never_parents_and_name_them_like_the_shop():
    generate(products=100, variants=60, orders=120, carts=60)
    assert not CartItem.objects.filter(product__structure=Structure.PARENT).exists()
    assert not OrderItem.objects.filter(product__structure=Structure.PARENT).exists()
    lines = OrderItem.objects.filter(product__structure=Structure.CHILD).select_related("product__parent")
    assert lines.exists()
    for line in lines[:20]:
        child = Product.objects.prefetch_related("option_values__attribute", "option_values__value").get(
            pk=line.product_id
        )
        assert line.title == rules.variant_title(child)


def test_images_go_to_listed_products_not_to_variants():
    generate(products=60, variants=50, images=10)
    assert ProductImage.objects.count() == 10
    assert not ProductImage.objects.filter(product__structure=Structure.CHILD).exists()


@pytest.mark.django_db(transaction=True)  # flush truncates: not inside a test transaction on PostgreSQL
def test_the_same_seed_gives_the_same_variants():
    def variants() -> list:
        return sorted(ProductOption.objects.values_list("product__sku", "attribute__slug", "value__slug"))

    generate(variants=25)
    first = (snapshot(), variants())
    generate(flush=True, variants=25)
    assert (snapshot(), variants()) == first


def test_no_variants_unless_asked():
    generate()
    assert not Product.objects.exclude(structure=Structure.STANDALONE).exists()
    assert not Attribute.objects.exists()


def test_a_share_over_a_hundred_per_cent_is_refused():
    with pytest.raises(CommandError, match="--variants"):
        generate(variants=101)
    assert not Product.objects.exists()
