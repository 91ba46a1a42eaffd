"""Product images through the API: upload, order, primary flag, deletion, the product document, the files."""

import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from shop.catalog.models import ProductImage
from tests.catalog.image_files import decoded, image_bytes, photo_with_gps, png_upload, upload
from tests.conftest import client_for, with_every_permission
from tests.factories import ProductFactory, ProductImageFactory, StaffFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

IMAGE_FIELDS = {"id", "url", "thumbnail_url", "alt", "position", "is_primary", "width", "height"}


@pytest.fixture
def staff(db):
    return client_for(with_every_permission(StaffFactory()))


@pytest.fixture
def product(db):
    return ProductFactory(image="https://cdn.example.com/fakestore/1.jpg")


def images_url(product) -> str:
    return f"/api/v1/products/{product.pk}/images/"


def post_image(client, product, file=None, **fields):
    return client.post(images_url(product), {"file": file or png_upload(), **fields}, format="multipart")


def stored_files() -> list[str]:
    found = []
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found += [os.path.join(root, name) for name in files]
    return found


def body_of(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_staff_upload_answers_the_contracts_document(staff, product):
    response = post_image(staff, product, file=png_upload(size=(64, 48)), alt="Front view")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == IMAGE_FIELDS
    assert body["alt"] == "Front view"
    assert (body["width"], body["height"]) == (64, 48)
    assert body["is_primary"] is True
    assert body["position"] == 0
    assert body["url"].startswith("http://testserver/media/products/")


def test_the_urls_answer_the_stored_bytes(staff, product, client):
    body = post_image(staff, product, file=upload(photo_with_gps(), "holiday.jpg", "image/jpeg")).json()
    response = client.get(body["url"])
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    stored = decoded(b"".join(response.streaming_content))
    assert stored.format == "JPEG"
    assert not stored.getexif()  # the GPS position is not served
    assert decoded(body_of(client, body["thumbnail_url"])).size[0] <= settings.IMAGE_THUMBNAIL_PX


def test_media_outside_the_image_folder_or_of_other_types_is_not_served(client):
    default_storage.save("django-import-export/customers.csv", _content(b"email\nsecret@example.com\n"))
    assert client.get("/media/django-import-export/customers.csv").status_code == 404
    default_storage.save("products/1/notes.txt", _content(b"hello"))
    assert client.get("/media/products/1/notes.txt").status_code == 404
    assert client.get("/media/products/../django-import-export/customers.csv").status_code == 404


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_the_product_document_shows_the_primary_image_and_its_thumbnail(staff, product, api_client):
    first = post_image(staff, product).json()
    second = post_image(staff, product, is_primary="true").json()
    body = api_client.get(f"/api/v1/products/{product.pk}/").json()
    assert body["image"] == second["url"]
    assert body["thumbnail"] == second["thumbnail_url"]
    assert [image["id"] for image in body["images"]] == [first["id"], second["id"]]
    assert [image["is_primary"] for image in body["images"]] == [False, True]


def test_without_images_the_document_keeps_the_external_url_and_no_thumbnail(product, api_client):
    body = api_client.get(f"/api/v1/products/{product.pk}/").json()
    assert body["image"] == "https://cdn.example.com/fakestore/1.jpg"
    assert body["thumbnail"] is None
    assert body["images"] == []


def test_the_first_image_becomes_primary_and_later_ones_do_not(staff, product):
    assert post_image(staff, product).json()["is_primary"] is True
    assert post_image(staff, product).json()["is_primary"] is False
    assert post_image(staff, product, is_primary="false").json()["is_primary"] is False
    assert ProductImage.objects.filter(product=product, is_primary=True).count() == 1


def test_images_are_listed_in_the_order_staff_choose(staff, product, api_client):
    a = post_image(staff, product).json()
    b = post_image(staff, product).json()
    c = post_image(staff, product, position=0).json()
    assert (a["position"], b["position"], c["position"]) == (0, 1, 0)
    response = staff.patch(f"{images_url(product)}{a['id']}/", {"position": 5}, format="json")
    assert response.status_code == 200
    listed = api_client.get(images_url(product)).json()
    assert [image["id"] for image in listed] == [c["id"], b["id"], a["id"]]


def test_patch_changes_alt_and_moves_the_primary_flag(staff, product):
    first = post_image(staff, product).json()
    second = post_image(staff, product).json()
    response = staff.patch(f"{images_url(product)}{second['id']}/", {"is_primary": True, "alt": "Back"}, format="json")
    assert response.status_code == 200
    assert response.json()["alt"] == "Back"
    assert ProductImage.objects.get(pk=second["id"]).is_primary
    assert not ProductImage.objects.get(pk=first["id"]).is_primary


def test_the_primary_image_cannot_be_unflagged_without_another_taking_over(staff, product):
    image = post_image(staff, product).json()
    response = staff.patch(f"{images_url(product)}{image['id']}/", {"is_primary": False}, format="json")
    assert assert_problem(response, 400, "validation_error")["errors"]["is_primary"]
    assert ProductImage.objects.get(pk=image["id"]).is_primary


def test_a_multipart_patch_without_the_box_leaves_the_flag_alone(staff, product):
    image = post_image(staff, product).json()
    response = staff.patch(f"{images_url(product)}{image['id']}/", {"alt": "New"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["is_primary"] is True


def test_deleting_the_primary_image_promotes_the_next_and_removes_its_files(
    staff, product, django_capture_on_commit_callbacks
):
    first = post_image(staff, product).json()
    second = post_image(staff, product).json()
    names = ProductImage.objects.filter(pk=first["id"]).values_list("file", "thumbnail").get()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.delete(f"{images_url(product)}{first['id']}/").status_code == 204
    assert ProductImage.objects.get(pk=second["id"]).is_primary
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_a_product_deletes_its_image_files(staff, django_capture_on_commit_callbacks):
    product = ProductFactory(stock=0)
    post_image(staff, product)
    names = list(ProductImage.objects.filter(product=product).values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.delete(f"/api/v1/products/{product.pk}/").status_code == 204
    assert names and not any(default_storage.exists(name) for name in names)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"not an image at all", "notes.png", "image/png"),
        (image_bytes("PNG") + b"<script>alert(1)</script>", "cat.jpg", "image/jpeg"),
        (image_bytes("GIF"), "anim.gif", "image/gif"),
    ],
    ids=["not-an-image", "png-named-jpg-with-script", "gif"],
)
def test_a_bad_file_is_a_400_problem_and_nothing_is_stored(staff, product, data, name, content_type):
    before = stored_files()
    response = post_image(staff, product, file=upload(data, name, content_type))
    assert "file" in assert_problem(response, 400, "validation_error")["errors"]
    assert not ProductImage.objects.exists()
    assert stored_files() == before


def test_a_file_over_the_size_limit_is_a_400_problem(staff, product, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    response = post_image(staff, product, file=png_upload(size=(200, 200), colour="red"))
    assert "larger than 100 bytes" in assert_problem(response, 400, "validation_error")["errors"]["file"][0]
    assert not ProductImage.objects.exists()


def test_an_image_with_too_many_pixels_is_a_400_problem(staff, product, settings):
    settings.IMAGE_MAX_PIXELS = 100
    response = post_image(staff, product, file=png_upload(size=(11, 10)))
    assert "pixels" in assert_problem(response, 400, "validation_error")["errors"]["file"][0]
    assert not ProductImage.objects.exists()


def test_a_body_far_over_the_limit_is_refused_unread(staff, product, settings):
    settings.API_MULTIPART_MAX_BYTES = 1000
    response = post_image(staff, product, file=png_upload(size=(300, 300), colour="red"))
    assert_problem(response, 413, "payload_too_large")


def test_unknown_and_read_only_fields_are_refused(staff, product):
    response = post_image(staff, product, width="9000", colour="red")
    errors = assert_problem(response, 400, "validation_error")["errors"]
    assert set(errors) == {"width", "colour"}
    assert not ProductImage.objects.exists()


def test_a_missing_file_is_a_400(staff, product):
    response = staff.post(images_url(product), {"alt": "no file"}, format="multipart")
    assert "file" in assert_problem(response, 400, "validation_error")["errors"]


def test_customers_and_anonymous_callers_cannot_upload(product, customer, api_client):
    assert_problem(post_image(client_for(customer), product), 403, "permission_denied")
    assert_problem(post_image(api_client, product), 401, "not_authenticated")
    assert not ProductImage.objects.exists()


def test_the_images_of_an_inactive_product_are_hidden_from_customers(api_client, staff):
    product = ProductFactory(is_active=False)
    ProductImageFactory(product=product, is_primary=True)
    assert_problem(api_client.get(images_url(product)), 404, "not_found")
    assert staff.get(images_url(product)).status_code == 200


def test_an_image_of_another_product_is_not_found(staff, product):
    other = ProductImageFactory(product=ProductFactory(), is_primary=True)
    response = staff.patch(f"{images_url(product)}{other.pk}/", {"alt": "x"}, format="json")
    assert_problem(response, 404, "not_found")
    assert_problem(staff.delete(f"{images_url(product)}{other.pk}/"), 404, "not_found")


def test_an_unknown_product_is_not_found(staff):
    response = staff.post("/api/v1/products/999999/images/", {"file": png_upload()}, format="multipart")
    assert_problem(response, 404, "not_found")
    assert_problem(staff.get(f"/api/v1/products/{2**64}/images/"), 404, "not_found")


@pytest.mark.parametrize("page_size", [1, 20])
def test_the_product_list_with_images_makes_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries, page_size
):
    for _ in range(20):
        product = ProductFactory()
        ProductImageFactory(product=product, is_primary=True)
        ProductImageFactory(product=product)
    # count, page, categories, images
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/products/", {"page_size": page_size})
    results = response.json()["results"]
    assert len(results) == page_size
    assert all(len(item["images"]) == 2 and item["thumbnail"] for item in results)
