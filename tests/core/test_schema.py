import json
import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com")


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """`manage.py spectacular --validate --fail-on-warn`: any warning or OpenAPI error fails the suite."""
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/products/" in schema["paths"]


def test_every_request_body_is_a_closed_object(schema):
    """Write bodies refuse unknown and read-only fields (shop/core/serializers.py); the schema says so."""
    components = schema["components"]["schemas"]
    bodies = [
        media["schema"]["$ref"].rsplit("/", 1)[-1]
        for ops in schema["paths"].values()
        for op in ops.values()
        if isinstance(op, dict) and "requestBody" in op
        for media in op["requestBody"]["content"].values()  # JSON, and multipart for uploads
    ]
    assert len(bodies) > 20
    for name in {*bodies, "CartLineRequest"}:
        assert components[name]["additionalProperties"] is False, name


def test_schema_describes_problem_documents(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    responses = schema["paths"]["/api/v1/products/"]["post"]["responses"]
    for status in ("400", "401", "403"):
        assert responses[status]["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_schema_describes_the_catalog_conflicts_and_rating_endpoint(schema):
    delete = schema["paths"]["/api/v1/categories/{id}/"]["delete"]["responses"]
    assert "application/problem+json" in delete["409"]["content"]
    rating = schema["paths"]["/api/v1/products/{id}/rating/"]
    assert set(rating) >= {"get", "post", "delete"}
    assert rating["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("RatingInputRequest")


def test_product_list_parameters_are_documented(schema):
    parameters = {item["name"] for item in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert parameters >= {
        "category",
        "category_ids",
        "price_min",
        "price_max",
        "in_stock",
        "is_active",
        "search",
        "ordering",
        "page",
        "page_size",
        "limit",
    }


def test_schema_endpoint_serves_json(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content)["info"]["title"] == "shop API"


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_pages_load_their_assets_from_the_installed_sidecar(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert assets, html
    assert all("drf_spectacular_sidecar" in asset for asset in assets)
    assert not any(host in html for host in CDN_HOSTS)
    for asset in assets:
        assert not asset.startswith(("http://", "https://", "//"))
        assert client.get(asset).status_code == 200, asset


DOCS_PAGES = ("/api/v1/docs/", "/api/v1/redoc/")
LOCAL_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


def content_security_policy(html: str) -> dict[str, set[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert match, "the page has no Content Security Policy"
    directives = (part.split() for part in match.group(1).split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_docs_pages_reference_no_external_host(client, path):
    html = client.get(path).content.decode()
    assert re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", html) == []
    policy = content_security_policy(html)
    assert policy["default-src"] == {"'self'"}
    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src", "worker-src"):
        assert policy[directive] <= LOCAL_SOURCES, directive


def test_the_redoc_bundle_names_a_cdn_logo_that_the_policy_blocks(client):
    """Why the policy is needed: ReDoc's sidebar footer loads its logo from cdn.redoc.ly."""
    html = client.get("/api/v1/redoc/").content.decode()
    bundle = re.search(r'<script src="([^"]+redoc.standalone.js)"', html).group(1)
    assert b"https://cdn.redoc.ly/redoc/logo-mini.svg" in b"".join(client.get(bundle).streaming_content)
    assert content_security_policy(html)["img-src"] == {"'self'", "data:"}


def test_swagger_ui_asks_no_online_validator(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert '"validatorUrl": null' in html or '"validatorUrl":null' in html


def test_product_categories_are_written_as_ids_and_read_as_category_objects(schema):
    components = schema["components"]["schemas"]
    read = components["Product"]["properties"]["categories"]
    assert read["items"]["$ref"].endswith("/CategoryRef")
    assert set(components["CategoryRef"]["properties"]) == {"id", "slug", "name"}
    for body in ("ProductRequest", "PatchedProductRequest"):
        assert components[body]["properties"]["categories"]["items"]["type"] == "integer"
    assert components["Voucher"]["properties"]["categories"]["items"]["type"] == "integer"  # vouchers keep ids
