"""MEDIA_STORAGE=s3: images go to an S3-compatible bucket through django-storages. The bucket is moto's
in-process fake of S3 (no network): the settings module's own S3 configuration is loaded into Django and
every upload, URL and deletion runs against it."""

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto import mock_aws

from shop.catalog.models import ProductImage
from tests.catalog.image_files import decoded, png_upload
from tests.conftest import client_for, with_every_permission
from tests.factories import ProductFactory, StaffFactory
from tests.helpers import settings_for

pytestmark = pytest.mark.django_db

BUCKET = "shop-media"
S3_ENV = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "eu-west-1"}
S3_SETTINGS = [
    "STORAGES", "MEDIA_SERVE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_REGION_NAME", "AWS_S3_ENDPOINT_URL",
    "AWS_S3_CUSTOM_DOMAIN", "AWS_LOCATION", "AWS_QUERYSTRING_AUTH", "AWS_S3_FILE_OVERWRITE",
    "AWS_S3_OBJECT_PARAMETERS",
]  # fmt: skip


@pytest.fixture
def bucket(settings, monkeypatch):
    """The settings shop/settings.py makes for S3, in force, over moto's S3 holding an empty bucket."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    made = settings_for(**S3_ENV)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        for name in S3_SETTINGS:
            setattr(settings, name, made[name])
        yield client


@pytest.fixture
def staff():
    return client_for(with_every_permission(StaffFactory()))


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_the_s3_settings_select_django_storages_and_need_a_bucket():
    made = settings_for(**S3_ENV)
    assert made["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert made["MEDIA_SERVE"] is False
    assert made["AWS_QUERYSTRING_AUTH"] is False
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        settings_for(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        settings_for(MEDIA_STORAGE="ftp")


def test_an_upload_is_stored_in_the_bucket_and_the_document_links_there(bucket, staff, api_client):
    product = ProductFactory()
    response = staff.post(f"/api/v1/products/{product.pk}/images/", {"file": png_upload()}, format="multipart")
    assert response.status_code == 201, response.content
    image = ProductImage.objects.get()
    assert keys(bucket) == {image.file.name, image.thumbnail.name}
    stored = bucket.get_object(Bucket=BUCKET, Key=image.file.name)
    assert stored["ContentType"] == "image/png"
    assert "immutable" in stored["CacheControl"]
    assert decoded(stored["Body"].read()).size == (40, 30)
    body = api_client.get(f"/api/v1/products/{product.pk}/").json()
    assert body["image"] == response.json()["url"]
    assert body["image"].startswith(f"https://{BUCKET}.s3.")
    assert body["image"].endswith(image.file.name)
    assert "Signature" not in body["image"]  # public images: plain URLs


def test_a_refused_file_puts_nothing_in_the_bucket(bucket, staff):
    product = ProductFactory()
    bad = {"file": png_upload(name="cat.jpg")}
    assert staff.post(f"/api/v1/products/{product.pk}/images/", bad, format="multipart").status_code == 400
    assert keys(bucket) == set()


def test_deleting_an_image_deletes_its_objects(bucket, staff, django_capture_on_commit_callbacks):
    product = ProductFactory()
    image = staff.post(f"/api/v1/products/{product.pk}/images/", {"file": png_upload()}, format="multipart").json()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.delete(f"/api/v1/products/{product.pk}/images/{image['id']}/").status_code == 204
    assert keys(bucket) == set()
