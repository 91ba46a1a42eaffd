"""Lines of variants ordered before lines kept their options get their variant's options (orders.0013)."""

import pytest

from tests.catalog.test_reviews_migration import migrate, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_earlier_lines_of_variants_get_their_options_and_others_none():
    old = migrate([("orders", "0012_invoice_numbers_for_paid_orders"), ("catalog", "0013_productimage")])
    Product = old.get_model("catalog", "Product")
    Attribute, AttributeValue = old.get_model("catalog", "Attribute"), old.get_model("catalog", "AttributeValue")
    colour, size = (
        Attribute.objects.create(name="Colour", slug="colour", position=1),
        Attribute.objects.create(name="Size", slug="size", position=0),
    )
    parent = Product.objects.create(sku="P-1", slug="p-1", title="Shirt", price="9.00", structure="parent")
    child = Product.objects.create(
        sku="P-1-M", slug="p-1-m", price="9.00", structure="child", parent=parent, option_key="m-red"
    )
    for attribute, slug in ((colour, "red"), (size, "m")):
        value = AttributeValue.objects.create(attribute=attribute, name=slug.upper(), slug=slug)
        old.get_model("catalog", "ProductOption").objects.create(product=child, attribute=attribute, value=value)
    plain = Product.objects.create(sku="S-1", slug="s-1", title="Mug", price="4.00")
    user = old.get_model("accounts", "User").objects.create(email="o@example.com")
    order = old.get_model("orders", "Order").objects.create(number="N-1", user=user, subtotal="13.00", total="13.00")
    OrderItem = old.get_model("orders", "OrderItem")
    for product in (child, plain):
        OrderItem.objects.create(
            order=order, product=product, sku=product.sku, title="x", unit_price=product.price, quantity=1,
            line_total=product.price,
        )  # fmt: skip

    new = migrate([("orders", "0013_orderitem_options")])

    lines = new.get_model("orders", "OrderItem").objects.order_by("sku")
    assert [(line.sku, line.options) for line in lines] == [("P-1-M", {"size": "m", "colour": "red"}), ("S-1", {})]
    migrate_to_latest()
