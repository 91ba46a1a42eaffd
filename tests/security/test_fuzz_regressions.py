"""Regression tests for what schema fuzzing (test_schema_fuzz.py) found."""

import pytest

from shop.catalog.models import Product

pytestmark = pytest.mark.django_db

HUGE = 153813547050236347678720  # beyond any database integer


def test_out_of_range_category_id_on_product_create_is_a_400_problem(staff_client):
    payload = {"sku": "Z-1", "slug": "z-1", "title": "Z", "price": "1.00", "categories": [8752, HUGE]}
    response = staff_client.post("/api/v1/products/", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    assert "categories.1" in response.json()["errors"]  # a field error, not the database's overflow
    assert not Product.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/products/{}/", "/api/v1/categories/{}/", "/api/v1/orders/{}/"])
def test_out_of_range_id_in_the_path_is_not_found(staff_client, path):
    response = staff_client.get(path.format(HUGE))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_out_of_range_filter_id_is_a_400_problem(staff_client):
    response = staff_client.get("/api/v1/products/", {"category_ids": str(HUGE)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_invalid_jwt_on_a_public_endpoint_is_a_documented_401_without_token_internals(client):
    response = client.get("/api/v1/products/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "errors" not in body
    assert "token_class" not in response.content.decode()
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "401" in schema["paths"]["/api/v1/products/"]["get"]["responses"]


def test_nested_field_errors_are_flattened_to_the_documented_shape(customer_client, product):
    cart = customer_client.get("/api/v1/carts/current/").json()
    change = {"add": [{"product": product.pk, "quantity": 1}, {"product": product.pk, "quantity": 0}]}
    response = customer_client.patch(f"/api/v1/carts/{cart['id']}/", change, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"add.1.quantity"}
    assert all(isinstance(message, str) for message in errors["add.1.quantity"])


def test_page_and_page_size_are_documented_from_one(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert client.get("/api/v1/products/", {"page_size": 0}).status_code == 400


def _operation(client, method: str, path: str) -> dict:
    return client.get("/api/v1/schema/?format=json").json()["paths"][path][method]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/products/"), ("get", "/api/v1/categories/{id}/"), ("get", "/api/v1/products/{id}/rating/")],
)
def test_public_reads_document_credentials_as_optional(client, method, path):
    assert {} in _operation(client, method, path)["security"]


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/products/"), ("get", "/api/v1/orders/")])
def test_protected_operations_document_credentials_as_required(client, method, path):
    assert {} not in _operation(client, method, path)["security"]


def test_checkout_conflict_without_shortages_matches_the_documented_409(customer_client, product):
    cart = customer_client.get("/api/v1/carts/current/").json()
    customer_client.post(f"/api/v1/carts/{cart['id']}/abandon/")
    response = customer_client.post(f"/api/v1/carts/{cart['id']}/checkout/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    schema = customer_client.get("/api/v1/schema/?format=json").json()
    documented = schema["components"]["schemas"]["InsufficientStockProblem"]
    assert set(documented["required"]) <= set(response.json())


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/users/", {"date_joined_after": "0001-01-01T00:00:00+23:59"}),
        ("/api/v1/orders/", {"created_before": "0001-01-01T00:00:00+23:59"}),
    ],
)
@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the next request must work
def test_a_date_filter_before_year_one_in_utc_is_a_400_problem(staff_client, path, query):
    response = staff_client.get(path, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert staff_client.get(path).status_code == 200  # and the connection is still usable
