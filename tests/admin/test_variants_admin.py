from decimal import Decimal

import pytest
from django.urls import reverse

from shop.catalog.models import Attribute, AttributeValue, Product, StockMovement
from tests.admin.helpers import changelist, messages_of, run_action, set_page_size
from tests.factories import ProductFactory, attribute_with_values, product_with_variants

pytestmark = pytest.mark.django_db

READ_ONLY_INLINES = ("images", "stock_movements", "reviews")  # posted empty (images: no upload)


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def parent_form(parent, variants, **variant_fields) -> dict:
    """The POST of a parent's page as it is, with `variant_fields` ({sku: {field: value}}) changed."""
    data = {
        "title_en": parent.title,
        "slug": parent.slug,
        "sku": parent.sku,
        "description": parent.description,
        "is_active": "on",
        "option_attributes": [a.pk for a in parent.option_attributes.all()],
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": len(variants),
        **{
            f"{prefix}-{n}": 0
            for prefix in ("images", "stock_movements", "reviews")
            for n in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    for i, variant in enumerate(variants):
        row = {
            "id": variant.pk,
            "parent": parent.pk,
            "sku": variant.sku,
            "price": variant.price,
            "stock": variant.stock,
        }
        row.update(variant_fields.get(variant.sku, {}))
        data.update({f"variants-{i}-{name}": value for name, value in row.items()})
        data[f"variants-{i}-is_active"] = "on"
    return data


def test_a_parents_page_lists_its_variants_inline(admin_client):
    parent, _variants = product_with_variants({"size": ["s", "m"]})
    html = admin_client.get(change_url(parent)).content.decode()
    assert 'name="variants-0-stock"' in html and "size=s" in html and "size=m" in html


def test_a_standalone_products_page_has_no_variants_inline(admin_client):
    html = admin_client.get(change_url(ProductFactory())).content.decode()
    assert "variants-TOTAL_FORMS" not in html


def test_stock_changed_inline_goes_through_the_ledger(admin_client, superuser):
    parent, (small, medium) = product_with_variants({"size": ["s", "m"]}, stock=5)
    data = parent_form(parent, [small, medium], **{medium.sku: {"stock": 9, "price": "12.00"}})
    response = admin_client.post(change_url(parent), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    medium.refresh_from_db()
    assert medium.stock == 9 and medium.price == Decimal("12.00")
    movement = StockMovement.objects.filter(product=medium).first()
    assert (movement.delta, movement.reason, movement.user) == (4, "adjustment", superuser)
    assert not StockMovement.objects.filter(product=small, reason="adjustment").exists()


def test_the_generate_action_creates_every_new_combination_with_generated_skus(admin_client):
    parent, _ = product_with_variants({"size": ["s"], "colour": ["red"]}, sku="TEE")
    AttributeValue.objects.create(attribute=Attribute.objects.get(slug="size"), slug="m", name="M", position=1)
    values = AttributeValue.objects.filter(slug__in=["s", "m", "red"])
    extra = {"apply": "1", "values": [v.pk for v in values], "price": "15.00", "stock": "2"}
    response = run_action(admin_client, Product, "generate_variants", [parent], **extra)
    assert "1 variant(s) created." in messages_of(response)
    created = Product.objects.get(sku="TEE-M-RED")
    assert created.parent == parent and created.stock == 2 and created.price == Decimal("15.00")
    assert Product.objects.filter(parent=parent).count() == 2


def test_the_generate_action_needs_a_value_of_each_option(admin_client):
    parent, _ = product_with_variants({"size": ["s"], "colour": ["red"]})
    extra = {"apply": "1", "values": [AttributeValue.objects.get(slug="s").pk], "price": "15.00", "stock": "0"}
    response = run_action(admin_client, Product, "generate_variants", [parent], **extra)
    assert any("Choose at least one value of: Colour" in m for m in messages_of(response))
    assert Product.objects.filter(parent=parent).count() == 1


def test_the_list_shows_parents_with_variant_count_and_stock_total(admin_client):
    parent, variants = product_with_variants({"size": ["s", "m", "l"]}, stock=4)
    response = admin_client.get(changelist(Product))
    assert list(response.context["cl"].result_list) == [parent]
    assert "3 variant(s), 12 in stock" in response.content.decode()
    shown = admin_client.get(changelist(Product), {"structure": "child"}).context["cl"].result_list
    assert list(shown) == variants


def test_the_list_finds_a_parent_by_a_variants_sku(admin_client):
    parent, variants = product_with_variants()
    assert list(admin_client.get(changelist(Product), {"q": variants[1].sku}).context["cl"].result_list) == [parent]


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_list_with_parents_makes_a_fixed_number_of_queries(
    admin_client, monkeypatch, django_assert_max_num_queries, page_size
):
    for _ in range(5):
        product_with_variants({"size": ["s", "m"]})
    set_page_size(monkeypatch, Product, page_size)
    for structure in ("", "child"):
        with django_assert_max_num_queries(13):
            assert (
                admin_client.get(changelist(Product), {"structure": structure} if structure else {}).status_code == 200
            )


def test_adding_a_variant_with_a_siblings_options_is_a_form_error(admin_client):
    parent, _ = product_with_variants({"size": ["s", "m"]})
    data = {"sku": "DUP", "structure": "child", "parent": parent.pk, "options_text": "size=m", "stock": 0}
    data.update(
        {f"{p}-{n}": 0 for p in ("images", "stock_movements", "reviews") for n in ("TOTAL_FORMS", "INITIAL_FORMS")}
    )
    response = admin_client.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 200
    assert "has these options" in str(response.context["adminform"].form.errors["options_text"])
    assert not Product.objects.filter(sku="DUP").exists()


def test_adding_a_variant_through_the_form(admin_client):
    parent, _ = product_with_variants({"size": ["s", "m"]})
    attribute_with_values("size", ["xl"])
    data = {"sku": "XL", "structure": "child", "parent": parent.pk, "options_text": "size=xl", "stock": 3}
    data.update({"price": "11.00", "is_active": "on"})
    data.update(
        {f"{p}-{n}": 0 for p in ("images", "stock_movements", "reviews") for n in ("TOTAL_FORMS", "INITIAL_FORMS")}
    )
    assert admin_client.post(reverse("admin:catalog_product_add"), data).status_code == 302
    variant = Product.objects.get(sku="XL")
    assert variant.parent == parent and variant.stock == 3 and variant.option_values.get().value.slug == "xl"


def test_an_attribute_that_products_vary_by_cannot_be_deleted(admin_client):
    product_with_variants({"size": ["s"]})
    size = Attribute.objects.get(slug="size")
    response = admin_client.post(reverse("admin:catalog_attribute_delete", args=[size.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Attribute.objects.filter(pk=size.pk).exists()
    assert any("products vary by them" in m for m in messages_of(response))
