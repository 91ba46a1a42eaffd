import pytest

from shop.core.parsers import MAX_DEPTH, json_depth_exceeds
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [nested_arrays(1000), nested_objects(1000), nested_arrays(200_000)])
def test_deeply_nested_json_on_login_is_a_validation_problem_not_a_server_error(api_client, body):
    response = api_client.post("/api/v1/auth/login/", body, content_type="application/json")
    problem = assert_problem(response, 400, "validation_error")
    assert f"deeper than {MAX_DEPTH} levels" in problem["detail"]


@pytest.mark.urls("tests.core.urls")
def test_json_nested_just_past_the_limit_is_refused(api_client):
    response = api_client.post("/api/v1/_test/echo/", nested_objects(MAX_DEPTH + 1), content_type="application/json")
    assert_problem(response, 400, "validation_error")


@pytest.mark.urls("tests.core.urls")
def test_json_nested_up_to_the_limit_is_parsed(api_client):
    response = api_client.post("/api/v1/_test/echo/", nested_objects(MAX_DEPTH), content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("data", "exceeds"),
    [
        (1, False),
        ({"a": [1, 2, {"b": 3}]}, False),  # three levels
        ([[[[]]]], True),  # four levels
        ({"wide": [[]] * 1000}, False),  # width does not count
    ],
)
def test_json_depth_counts_nested_containers(data, exceeds):
    assert json_depth_exceeds(data, limit=3) is exceeds
