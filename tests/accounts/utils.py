from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import PASSWORD


def assert_problem(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem document with this status and code; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


def login(api_client, user, password: str = PASSWORD) -> dict:
    response = api_client.post("/api/v1/auth/login/", {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def refresh_for(user) -> str:
    return str(RefreshToken.for_user(user))
