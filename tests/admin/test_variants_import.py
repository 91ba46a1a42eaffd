from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from import_export.results import RowResult

from shop.catalog.models import Product, StockMovement
from tests.admin.test_import_export import import_file, preview, totals
from tests.factories import attribute_with_values, product_with_variants

pytestmark = pytest.mark.django_db

HEADER = "sku,slug,title,price,stock,is_active,parent_sku,options\n"


@pytest.fixture(autouse=True)
def attributes():
    attribute_with_values("size", ["s", "m", "l"])
    attribute_with_values("colour", ["red", "blue"])


def export_all(client):
    """The export of every product, variants included (the list's `structure=all`)."""
    resource = admin.site._registry[Product].resource_classes[0]
    columns = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(reverse("admin:catalog_product_export") + "?structure=all", {"format": "0", **columns})


def test_a_parent_and_its_variants_import_in_any_row_order(admin_client):
    content = HEADER + (
        "TEE-M-RED,,,12.00,3,1,TEE,size=m|colour=red\n"
        "TEE,tee,Tee,,,1,,\n"
        "TEE-S-BLUE,,,11.00,2,1,TEE,size=s|colour=blue\n"
    )
    import_file(admin_client, Product, content)
    parent = Product.objects.get(sku="TEE")
    assert parent.structure == "parent" and parent.stock == 0 and parent.price == Decimal("11.00")
    assert [a.slug for a in parent.option_attributes.order_by("position")] == ["size", "colour"]
    medium = Product.objects.get(sku="TEE-M-RED")
    assert (medium.parent, medium.structure, medium.slug, medium.stock) == (parent, "child", "tee-m-red", 3)
    assert {o.attribute.slug: o.value.slug for o in medium.option_values.all()} == {"size": "m", "colour": "red"}
    assert list(StockMovement.objects.filter(product=medium).values_list("delta", "reason")) == [(3, "import")]


def test_variants_import_under_an_existing_parent(admin_client):
    parent, _ = product_with_variants({"size": ["s"]}, sku="OLD")
    import_file(admin_client, Product, HEADER + "OLD-M,,,9.00,1,1,OLD,size=m\n")
    assert Product.objects.filter(parent=parent).count() == 2


@pytest.mark.parametrize(
    "bad_row, message, number",
    [
        # the same options as row 3: the second of the two is refused
        ("TEE-X,,,9.00,1,1,TEE,size=m|colour=red\n", "has these options", 3),
        ("TEE-X,,,9.00,1,1,TEE,size=m\n", "Missing a value for: colour.", 1),
        ("TEE-X,,,9.00,1,1,TEE,size=xl|colour=red\n", "size has no value 'xl'.", 1),
        ("TEE-X,,,9.00,1,1,NOPE,size=s|colour=red\n", "No product with sku 'NOPE'.", 1),
        ("TEE-X,,,9.00,1,1,TEE,size\n", "is not attribute=value", 1),
    ],
)
def test_a_bad_variant_row_imports_nothing_and_names_its_row(admin_client, bad_row, message, number):
    content = HEADER + bad_row + "TEE,tee,Tee,,,1,,\nTEE-M-RED,,,12.00,3,1,TEE,size=m|colour=red\n"
    response = preview(admin_client, Product, content)
    result = response.context["result"]
    assert response.context.get("confirm_form") is None
    [invalid] = result.invalid_rows
    assert invalid.number == number  # the row's number in the file, though variants are imported last
    assert message in str(invalid.error_dict)
    assert not Product.objects.exists()


def test_an_exported_catalog_with_variants_reimports_unchanged(admin_client):
    product_with_variants({"size": ["s", "m"], "colour": ["red"]})
    content = export_all(admin_client).content
    assert b"size=s|colour=red" in content and b"size|colour" in content
    assert totals(preview(admin_client, Product, content)) == {RowResult.IMPORT_TYPE_SKIP: 3}


def test_a_row_cannot_turn_a_product_into_a_variant(admin_client):
    product_with_variants({"size": ["s"]}, sku="P")
    import_file(admin_client, Product, HEADER + "LONE,lone,Lone,1.00,1,1,,\n")
    response = preview(admin_client, Product, HEADER + "LONE,,,1.00,1,1,P,size=m\n")
    assert "keeps its structure" in str(response.context["result"].invalid_rows[0].error_dict)
