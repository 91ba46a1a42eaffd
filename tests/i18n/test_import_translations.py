# ruff: noqa: RUF001 - Turkish words (dotless i) on purpose
"""Imports and exports carry one column per language: `title` is the default language's, `title_tr` Turkish.
A file without the `_tr` column leaves the translations as they are; an empty `_tr` cell is no translation."""

import pytest
from django.utils import translation

from shop.catalog.models import Attribute, Category, Product
from shop.pricing.models import ShippingMethod
from tests.admin.test_import_export import csv_rows, export, import_file, preview
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, attribute_with_values

pytestmark = pytest.mark.django_db

#: The product import's two paths: in bulk (`products_save_many`), and row by row through the product
#: services (any variant column, here an empty `structure`).
PATHS = {"bulk": ("", ""), "row by row": (",structure", ",")}


@pytest.fixture(params=list(PATHS))
def product_file(request):
    extra_header, extra_cell = PATHS[request.param]

    def build(header: str, *rows: str) -> str:
        return "\n".join([header + extra_header, *(row + extra_cell for row in rows)]) + "\n"

    return build


def test_the_product_export_has_a_column_per_language(admin_client):
    ProductFactory(sku="K-1", title="Kettle", title_tr="Çaydanlık", description="Steel.", description_tr="Çelik.")
    ProductFactory(sku="M-1", title="Mug")
    rows = {row["sku"]: row for row in csv_rows(export(admin_client, Product))}
    assert list(rows["K-1"])[:6] == ["sku", "slug", "title", "title_tr", "description", "description_tr"]
    assert (rows["K-1"]["title"], rows["K-1"]["title_tr"], rows["K-1"]["description_tr"]) == (
        "Kettle",
        "Çaydanlık",
        "Çelik.",
    )
    assert (rows["M-1"]["title"], rows["M-1"]["title_tr"]) == ("Mug", "")  # no translation: an empty cell


def test_the_export_is_in_the_default_language_whatever_the_staff_members_language(admin_client):
    ProductFactory(sku="K-1", title="Kettle", title_tr="Çaydanlık")
    with translation.override("tr"):
        [row] = csv_rows(export(admin_client, Product))
    assert (row["title"], row["title_tr"]) == ("Kettle", "Çaydanlık")


def test_an_import_with_title_tr_sets_the_turkish_title(admin_client, product_file):
    ProductFactory(sku="OLD", slug="old", title="Old", stock=1, price="1.00")
    content = product_file(
        "sku,slug,title,title_tr,price,stock", "NEW,new,Kettle,Çaydanlık,2.00,1", "OLD,old,Old,Eski,1.00,1"
    )
    import_file(admin_client, Product, content)
    new, old = Product.objects.get(sku="NEW"), Product.objects.get(sku="OLD")
    assert (new.title_en, new.title_tr, old.title_en, old.title_tr) == ("Kettle", "Çaydanlık", "Old", "Eski")
    with translation.override("tr"):
        assert Product.objects.get(sku="NEW").title == "Çaydanlık"


def test_an_import_without_title_tr_keeps_the_turkish_title(admin_client, product_file):
    ProductFactory(sku="OLD", slug="old", title="Old", title_tr="Eski", description_tr="Eski açıklama", stock=1)
    import_file(admin_client, Product, product_file("sku,slug,title,price,stock", "OLD,old,Renamed,3.00,1"))
    product = Product.objects.get(sku="OLD")
    assert (product.title_en, product.title_tr, product.description_tr) == ("Renamed", "Eski", "Eski açıklama")


def test_an_empty_title_tr_cell_is_no_translation(admin_client, product_file):
    ProductFactory(sku="OLD", slug="old", title="Old", title_tr="Eski", stock=1, price="1.00")
    import_file(admin_client, Product, product_file("sku,slug,title,title_tr,price,stock", "OLD,old,Old,,1.00,1"))
    product = Product.objects.get(sku="OLD")
    assert product.title_tr in ("", None)
    with translation.override("tr"):
        assert Product.objects.get(sku="OLD").title == "Old"  # the English title


def test_the_import_writes_the_default_language_whatever_the_staff_members_language(admin_client, product_file):
    ProductFactory(sku="OLD", slug="old", title="Old", title_tr="Eski", stock=1, price="1.00")
    with translation.override("tr"):
        import_file(admin_client, Product, product_file("sku,slug,title,price,stock", "OLD,old,Renamed,1.00,1"))
    product = Product.objects.get(sku="OLD")
    assert (product.title_en, product.title_tr) == ("Renamed", "Eski")


def test_an_exported_translated_catalog_reimports_unchanged(admin_client):
    ProductFactory(sku="K-1", title="Kettle", title_tr="Çaydanlık")
    ProductFactory(sku="M-1", title="Mug")
    response = preview(admin_client, Product, export(admin_client, Product).content)
    assert {kind: n for kind, n in response.context["result"].totals.items() if n} == {"skip": 2}


def test_the_import_preview_shows_the_turkish_column(admin_client):
    ProductFactory(sku="OLD", slug="old", title="Old", stock=1, price="1.00")
    response = preview(admin_client, Product, "sku,slug,title,title_tr,price,stock\nOLD,old,Old,Eski,1.00,1\n")
    html = response.content.decode()
    assert "title_tr" in html and "Eski" in html
    assert Product.objects.get(sku="OLD").title_tr in ("", None)  # a preview changes nothing


def test_categories_import_and_export_their_names_per_language(admin_client):
    CategoryFactory(slug="shoes", name="Shoes", name_tr="Ayakkabı")
    [row] = csv_rows(export(admin_client, Category))
    assert (row["name"], row["name_tr"], row["description_tr"]) == ("Shoes", "Ayakkabı", "")
    content = "slug,name,name_tr,description_tr\nshoes,Shoes,Ayakkabılar,Her numara\nbags,Bags,Çantalar,\n"
    import_file(admin_client, Category, content)
    shoes, bags = Category.objects.get(slug="shoes"), Category.objects.get(slug="bags")
    assert (shoes.name_tr, shoes.description_tr, bags.name_en, bags.name_tr) == (
        "Ayakkabılar",
        "Her numara",
        "Bags",
        "Çantalar",
    )
    import_file(admin_client, Category, "slug,name\nshoes,Footwear\n")
    shoes.refresh_from_db()
    assert (shoes.name_en, shoes.name_tr) == ("Footwear", "Ayakkabılar")


def test_shipping_methods_import_and_export_their_names_per_language(admin_client):
    ShippingMethodFactory(code="standard", name="Standard", name_tr="Standart")
    [row] = csv_rows(export(admin_client, ShippingMethod))
    assert (row["name"], row["name_tr"]) == ("Standard", "Standart")
    content = "code,name,name_tr,price\nstandard,Standard,Normal,4.99\nexpress,Express,Hızlı,9.99\n"
    import_file(admin_client, ShippingMethod, content)
    names = dict(ShippingMethod.objects.values_list("code", "name_tr"))
    assert names == {"standard": "Normal", "express": "Hızlı"}
    import_file(admin_client, ShippingMethod, "code,name,price\nstandard,Regular,4.99\n")
    method = ShippingMethod.objects.get(code="standard")
    assert (method.name_en, method.name_tr) == ("Regular", "Normal")


def test_attributes_import_and_export_their_names_per_language(admin_client):
    attribute_with_values("size", ["s", "m"])
    Attribute.objects.filter(slug="size").update(name_tr="Beden")
    [row] = csv_rows(export(admin_client, Attribute))
    assert (row["slug"], row["name"], row["name_tr"]) == ("size", "Size", "Beden")
    import_file(admin_client, Attribute, "slug,name,name_tr,position\nsize,Size,Ölçü,0\ncolour,Colour,Renk,1\n")
    size, colour = Attribute.objects.get(slug="size"), Attribute.objects.get(slug="colour")
    assert (size.name_tr, colour.name_en, colour.name_tr) == ("Ölçü", "Colour", "Renk")
    assert size.values.count() == 2  # the values are the attribute page's
    import_file(admin_client, Attribute, "slug,name,position\nsize,Sizes,0\n")
    size.refresh_from_db()
    assert (size.name_en, size.name_tr) == ("Sizes", "Ölçü")
