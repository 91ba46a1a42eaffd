"""Product images in the audit log: uploads, edits (alt, position, the primary flag moving) and deletions, from
the API and the admin, with their actor and source; the product's History shows its images' entries."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from shop.catalog.images import product_image_add
from shop.catalog.models import ProductImage
from tests.admin.admin_images_helpers import product_page_data
from tests.backoffice.helpers import entries_of, last_entry, source
from tests.catalog.image_files import png_upload, upload
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
Action = LogEntry.Action


def images_url(product) -> str:
    return f"/api/v1/products/{product.pk}/images/"


def image_entries() -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type__model="productimage").order_by("timestamp", "id"))


def test_an_api_upload_is_logged_with_its_product_the_staff_user_and_the_api_source(staff_client, staff):
    product = ProductFactory()
    response = staff_client.post(images_url(product), {"file": png_upload(), "alt": "Front"}, format="multipart")
    assert response.status_code == 201, response.content
    entry = last_entry(ProductImage.objects.get(pk=response.json()["id"]))
    assert (entry.action, entry.actor, source(entry)) == (Action.CREATE, staff, "api")
    assert entry.changes["alt"] == [None, "Front"] and entry.changes["is_primary"] == [None, True]
    assert entry.changes["file"][1].startswith(f"products/{product.pk}/")
    assert entry.additional_data["product"] == product.pk


def test_an_api_edit_logs_alt_and_position_and_the_primary_flag_on_both_images(staff_client, staff):
    product = ProductFactory()
    first = product_image_add(product=product, file=png_upload(), alt="Old")
    second = product_image_add(product=product, file=png_upload())
    body = {"alt": "Back", "position": 7, "is_primary": True}
    assert staff_client.patch(f"{images_url(product)}{second.pk}/", body, format="json").status_code == 200
    gained = last_entry(second)
    assert gained.changes == {"alt": ["", "Back"], "position": [1, 7], "is_primary": [False, True]}
    lost = last_entry(first)
    assert lost.changes == {"is_primary": [True, False]}
    assert {(e.actor, source(e), e.additional_data["product"]) for e in (gained, lost)} == {(staff, "api", product.pk)}


def test_an_api_deletion_is_logged_and_the_successor_gaining_the_flag_too(staff_client, staff):
    product = ProductFactory()
    first = product_image_add(product=product, file=png_upload())
    second = product_image_add(product=product, file=png_upload())
    assert staff_client.delete(f"{images_url(product)}{first.pk}/").status_code == 204
    deleted = last_entry(first)
    assert (deleted.action, deleted.actor, source(deleted)) == (Action.DELETE, staff, "api")
    assert deleted.additional_data["product"] == product.pk
    assert last_entry(second).changes == {"is_primary": [False, True]}


def test_a_refused_upload_logs_nothing(staff_client):
    product = ProductFactory()
    before = LogEntry.objects.count()
    response = staff_client.post(images_url(product), {"file": upload(b"#!/bin/sh\n", "x.png")}, format="multipart")
    assert response.status_code == 400
    assert LogEntry.objects.count() == before


def test_the_admin_inline_logs_upload_edit_and_deletion_as_admin(admin_client, superuser):
    product = ProductFactory()
    change = reverse("admin:catalog_product_change", args=[product.pk])
    data = product_page_data(product, uploads=[{"upload": png_upload(), "alt": "Front"}])
    assert admin_client.post(change, data).status_code == 302
    image = ProductImage.objects.get(product=product)
    data = product_page_data(product, existing=[(image, {"alt": "Side", "position": 3})])
    assert admin_client.post(change, data).status_code == 302
    data = product_page_data(product, existing=[(image, {"DELETE": "on"})])
    assert admin_client.post(change, data).status_code == 302
    created, edited, deleted = entries_of(image)
    assert [e.action for e in (created, edited, deleted)] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert edited.changes == {"alt": ["Front", "Side"], "position": [0, 3]}
    assert {(e.actor, source(e)) for e in (created, edited, deleted)} == {(superuser, "admin")}


def test_the_products_history_shows_its_images_entries_deleted_images_too(admin_client):
    product, other = ProductFactory(), ProductFactory()
    image = product_image_add(product=product, file=png_upload(), alt="Kept in the history")
    product_image_add(product=other, file=png_upload(), alt="Of another product")
    pk = image.pk
    image.delete()
    html = admin_client.get(reverse("admin:catalog_product_history", args=[product.pk])).content.decode()
    assert "Kept in the history" in html and f"Image {pk} of product {product.pk}" in html
    assert "Of another product" not in html


def test_the_audit_list_links_an_image_entry_to_its_products_history(admin_client):
    product = ProductFactory()
    product_image_add(product=product, file=png_upload())
    html = admin_client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert reverse("admin:catalog_product_history", args=[product.pk]) in html
