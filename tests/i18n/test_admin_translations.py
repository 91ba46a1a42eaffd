# ruff: noqa: RUF001 - Turkish words (dotless i) on purpose
"""The admin edits each translated field per language side by side: the default language's value is required
where the field is, the others are optional (empty: the default language's is shown)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from shop.catalog.models import Attribute, Category, Product
from shop.pricing.models import ShippingMethod
from tests.admin.admin_images_helpers import product_page_data as product_form_data
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, product_with_variants

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def form_row_of(html: str, name: str) -> str:
    """The fieldset line (`<div class="form-row ...">`) holding the input `name`."""
    rows = re.split(r'<div class="form-row', html)
    return next(row for row in rows if f'name="{name}"' in row)


def test_the_product_page_shows_the_title_and_description_per_language_side_by_side(admin_client):
    product = ProductFactory(title="Kettle", title_tr="Çaydanlık", description="Steel.")
    html = admin_client.get(change_url(product)).content.decode()
    title_row = form_row_of(html, "title_en")
    assert 'name="title_tr"' in title_row and 'value="Çaydanlık"' in title_row
    assert 'name="description_tr"' in form_row_of(html, "description_en")
    assert 'name="title"' not in html


def test_the_product_page_saves_the_turkish_title_beside_the_english_one(admin_client):
    product = ProductFactory(title="Kettle", stock=0)
    data = product_form_data(product, title_en="Kettle", title_tr="Çaydanlık", description_tr="Çelik.")
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert (product.title_en, product.title_tr, product.description_tr) == ("Kettle", "Çaydanlık", "Çelik.")
    with translation.override("tr"):
        assert product.title == "Çaydanlık"


def test_a_product_needs_its_english_title_but_not_a_turkish_one(admin_client):
    data = product_form_data(None, title_en="", title_tr="Çaydanlık")
    response = admin_client.post(add_url(Product), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title_en"] == ["This field is required."]
    assert not Product.objects.exists()
    response = admin_client.post(add_url(Product), product_form_data(None, title_en="Kettle", title_tr=""))
    assert response.status_code == 302
    product = Product.objects.get(sku="NEW-1")
    assert product.title_tr in ("", None)
    with translation.override("tr"):
        assert product.title == "Kettle"  # no translation: the English title


def test_a_variant_may_still_leave_its_title_to_its_parent(admin_client):
    _parent, (variant, _) = product_with_variants({"size": ["s", "m"]})
    html = admin_client.get(change_url(variant)).content.decode()
    assert "required" not in re.search(r'<input[^>]*name="title_en"[^>]*>', html).group(0)


def test_the_category_page_saves_the_name_per_language_and_requires_the_english_one(admin_client):
    response = admin_client.post(add_url(Category), {"name_en": "", "name_tr": "Ayakkabı", "slug": "shoes"})
    assert response.context["adminform"].form.errors["name_en"] == ["This field is required."]
    data = {"name_en": "Shoes", "name_tr": "Ayakkabı", "slug": "shoes", "description_tr": "Her numara."}
    assert admin_client.post(add_url(Category), data).status_code == 302
    category = Category.objects.get(slug="shoes")
    assert (category.name_en, category.name_tr, category.description_tr) == ("Shoes", "Ayakkabı", "Her numara.")
    html = admin_client.get(change_url(category)).content.decode()
    assert 'name="name_tr"' in form_row_of(html, "name_en")


def test_renaming_a_category_in_turkish_keeps_its_english_name(admin_client):
    category = CategoryFactory(name="Shoes", slug="shoes")
    data = {"name_en": "Shoes", "name_tr": "Ayakkabı", "slug": "shoes", "parent": "", "description_en": ""}
    assert admin_client.post(change_url(category), data).status_code == 302
    category.refresh_from_db()
    assert (category.name_en, category.name_tr) == ("Shoes", "Ayakkabı")


def test_the_attribute_page_names_the_attribute_and_its_values_per_language(admin_client):
    data = {
        "name_en": "Colour", "name_tr": "Renk", "slug": "colour", "position": 0,
        "values-TOTAL_FORMS": 2, "values-INITIAL_FORMS": 0,
        "values-0-name_en": "Red", "values-0-name_tr": "Kırmızı", "values-0-slug": "red", "values-0-position": 0,
        "values-1-name_en": "Blue", "values-1-name_tr": "", "values-1-slug": "blue", "values-1-position": 1,
    }  # fmt: skip
    response = admin_client.post(add_url(Attribute), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    attribute = Attribute.objects.get(slug="colour")
    assert attribute.name_tr == "Renk"
    assert [(v.name_en, v.name_tr or "") for v in attribute.values.order_by("position")] == [
        ("Red", "Kırmızı"),
        ("Blue", ""),
    ]
    html = admin_client.get(change_url(attribute)).content.decode()
    assert 'name="values-0-name_tr"' in html
    assert 'name="name_tr"' in form_row_of(html, "name_en")


def test_a_value_without_its_english_name_is_refused(admin_client):
    data = {
        "name_en": "Colour", "slug": "colour", "position": 0, "values-TOTAL_FORMS": 1, "values-INITIAL_FORMS": 0,
        "values-0-name_en": "", "values-0-name_tr": "Kırmızı", "values-0-slug": "red", "values-0-position": 0,
    }  # fmt: skip
    response = admin_client.post(add_url(Attribute), data)
    assert response.status_code == 200
    assert not Attribute.objects.exists()


def test_the_shipping_method_page_saves_the_turkish_name(admin_client):
    method = ShippingMethodFactory(name="Standard", code="standard")
    data = {
        "name_en": "Standard", "name_tr": "Standart", "code": "standard", "price": "4.99", "countries": "[]",
        "min_days": 1, "max_days": 3, "position": 0, "is_active": "on",
    }  # fmt: skip
    response = admin_client.post(change_url(method), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    method.refresh_from_db()
    assert (method.name_en, method.name_tr) == ("Standard", "Standart")
    html = admin_client.get(change_url(method)).content.decode()
    assert 'name="name_tr"' in form_row_of(html, "name_en")


def test_admin_search_finds_a_product_by_its_turkish_title(admin_client):
    ProductFactory(title="Kettle", title_tr="Çaydanlık")
    ProductFactory(title="Mug")
    response = admin_client.get(reverse("admin:catalog_product_changelist"), {"q": "Çaydan"})
    assert [p.title for p in response.context["cl"].result_list] == ["Kettle"]


@pytest.mark.parametrize("model", [Product, Category, Attribute, ShippingMethod])
def test_translated_change_pages_load_only_static_files_the_shop_serves(admin_client, model):
    """modeltranslation's plain admin brings no script of its own (its tabbed admin would load jQuery UI from a
    CDN); whatever the page loads is a local file that the static finders (and so whitenoise) serve."""
    html = admin_client.get(add_url(model)).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source
