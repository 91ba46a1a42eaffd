import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", ["application/problem+json", "application/problem+json; q=0.8, text/html"])
def test_a_client_accepting_only_problem_documents_gets_normal_answers_as_json(api_client, product, accept):
    response = api_client.get("/api/v1/products/", HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 1


def test_a_client_accepting_only_problem_documents_gets_problems_as_problem_json(api_client):
    response = api_client.get("/api/v1/products/999999/", HTTP_ACCEPT="application/problem+json")
    assert_problem(response, 404, "not_found")


def test_a_client_accepting_only_problem_documents_gets_validation_problems(api_client):
    response = api_client.post("/api/v1/auth/login/", {}, format="json", HTTP_ACCEPT="application/problem+json")
    assert_problem(response, 400, "validation_error")


def test_a_media_type_the_api_cannot_produce_is_still_not_acceptable(api_client):
    response = api_client.get("/api/v1/products/", HTTP_ACCEPT="application/xml")
    assert_problem(response, 406, "not_acceptable")
