from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import PASSWORD
from tests.helpers import assert_problem  # noqa: F401 - re-exported for the accounts tests


def login(api_client, user, password: str = PASSWORD) -> dict:
    response = api_client.post("/api/v1/auth/login/", {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def refresh_for(user) -> str:
    return str(RefreshToken.for_user(user))
