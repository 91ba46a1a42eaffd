import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_a_problem_document(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["code"] == "not_found"
    assert body["type"] == "about:blank"
    assert body["title"]


def test_unknown_path_outside_api_keeps_an_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_response_carries_a_trace_id(client):
    response = client.get("/health/live")
    assert len(response["X-Request-ID"]) == 32
