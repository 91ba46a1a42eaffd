"""The product page's image inline (uploads checked as in the API, previews, the primary flag) and the product
list's thumbnails with a neutral placeholder."""

import os

import pytest
from django.conf import settings
from django.urls import reverse

from shop.catalog.images import PRIMARY_STAYS, product_image_add
from shop.catalog.models import Product, ProductImage
from tests.admin.admin_images_helpers import product_page_data
from tests.admin.helpers import changelist, set_page_size
from tests.catalog.image_files import image_bytes, photo_with_gps, png_upload, upload
from tests.factories import ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def stored_files() -> list[str]:
    return [name for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for name in files]


def test_an_upload_in_the_inline_stores_a_clean_image_and_makes_it_primary(admin_client):
    product = ProductFactory()
    data = product_page_data(product, uploads=[{"upload": upload(photo_with_gps(), "holiday.jpg"), "alt": "Front"}])
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    image = ProductImage.objects.get(product=product)
    assert (image.alt, image.is_primary, image.file.name.endswith(".jpg")) == ("Front", True, True)
    with image.file.open("rb") as stored:
        assert b"Secret Camera" not in stored.read()


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"#!/bin/sh\nrm -rf /\n", "script.png"), (image_bytes("PNG") + b"<script>x</script>", "cat.jpg")],
    ids=["not-an-image", "png-named-jpg"],
)
def test_a_bad_file_in_the_inline_is_a_form_error_and_nothing_is_saved(admin_client, data, name):
    product = ProductFactory(title="Before")
    before = stored_files()
    post = product_page_data(product, title="After", uploads=[{"upload": upload(data, name)}])
    response = admin_client.post(change_url(product), post)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert any("upload" in form_errors for form_errors in errors)
    assert not ProductImage.objects.exists()
    assert Product.objects.get(pk=product.pk).title == "Before"
    assert stored_files() == before


def test_a_new_product_can_be_added_with_its_images(admin_client):
    data = product_page_data(
        None, title="Lamp", slug="lamp", sku="LAMP-1", uploads=[{"upload": png_upload()}, {"upload": png_upload()}]
    )
    assert admin_client.post(reverse("admin:catalog_product_add"), data).status_code == 302
    images = ProductImage.objects.filter(product__sku="LAMP-1")
    assert [image.is_primary for image in images] == [True, False]


def test_checking_another_box_moves_the_primary_flag(admin_client):
    product = ProductFactory()
    first = product_image_add(product=product, file=png_upload())
    second = product_image_add(product=product, file=png_upload())
    data = product_page_data(product, existing=[(first, {}), (second, {"is_primary": "on"})])
    assert admin_client.post(change_url(product), data).status_code == 302
    assert ProductImage.objects.get(is_primary=True) == second


def test_two_new_boxes_or_clearing_the_primary_ones_are_refused(admin_client):
    product = ProductFactory()
    first, second, third = (product_image_add(product=product, file=png_upload()) for _ in range(3))
    two = product_page_data(
        product, existing=[(first, {}), (second, {"is_primary": "on"}), (third, {"is_primary": "on"})]
    )
    response = admin_client.post(change_url(product), two)
    assert "Only one image can be primary." in response.content.decode()
    neither = product_page_data(product, existing=[(first, {"is_primary": ""}), (second, {}), (third, {})])
    response = admin_client.post(change_url(product), neither)
    assert PRIMARY_STAYS in response.content.decode()
    assert ProductImage.objects.get(is_primary=True) == first


def test_deleting_the_primary_image_in_the_inline_promotes_the_next(admin_client):
    product = ProductFactory()
    first = product_image_add(product=product, file=png_upload())
    second = product_image_add(product=product, file=png_upload())
    data = product_page_data(product, existing=[(first, {"DELETE": "on"}), (second, {})])
    assert admin_client.post(change_url(product), data).status_code == 302
    assert list(ProductImage.objects.all()) == [second]
    assert ProductImage.objects.get().is_primary


def test_the_inline_shows_previews_and_the_placeholder_for_a_new_row(admin_client):
    product = ProductFactory()
    image = product_image_add(product=product, file=png_upload())
    html = admin_client.get(change_url(product)).content.decode()
    assert f'src="{image.thumbnail.url}"' in html
    assert "catalog/no-image.svg" in html
    assert "catalog/image-preview.js" in html


def test_the_product_list_shows_the_primary_thumbnail_else_the_external_image_else_a_placeholder(admin_client):
    uploaded = ProductFactory(title="Uploaded", image="https://img.example.com/old.png")
    ProductImageFactory(product=uploaded, thumbnail="products/1/t.png", is_primary=True)
    ProductFactory(title="External", image="https://img.example.com/runner.png")
    ProductFactory(title="Bare", image="")
    html = admin_client.get(changelist(Product)).content.decode()
    assert 'src="/media/products/1/t.png"' in html
    assert 'src="https://img.example.com/runner.png"' in html
    assert "old.png" not in html
    assert html.count("catalog/no-image.svg") == 1


@pytest.mark.parametrize("page_size", [1, 50])
def test_the_product_list_with_images_makes_a_fixed_number_of_queries(
    admin_client, monkeypatch, django_assert_max_num_queries, page_size
):
    for _ in range(30):
        ProductImageFactory(product=ProductFactory(), is_primary=True)
    set_page_size(monkeypatch, Product, page_size)
    with django_assert_max_num_queries(13):
        response = admin_client.get(changelist(Product))
    assert len(response.context["cl"].result_list) == min(page_size, 30)


def test_a_catalog_manager_may_upload_and_an_order_manager_may_not(catalog_client, order_manager, client):
    product = ProductFactory()
    data = product_page_data(product, uploads=[{"upload": png_upload()}])
    assert catalog_client.post(change_url(product), data).status_code == 302
    assert ProductImage.objects.filter(product=product).count() == 1
    client.force_login(order_manager)
    assert client.post(change_url(ProductFactory()), data).status_code == 403
