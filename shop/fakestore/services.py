"""The one thing the FakeStore layer changes: a login records its time and hands out an access token.
Its writes on products, users and carts change nothing (see api/views.py)."""

from django.contrib.auth import authenticate

from shop.accounts import tokens
from shop.accounts.selectors import user_by_login


def login_token(*, request, login: str, password: str) -> str | None:
    """An /api/v1/ access token for the account `login` names (a username or an email), or None when the
    credentials are wrong. `authenticate` gets the account's email, the name the login lock-out (django-axes)
    counts attempts under, so a username and its email share one count."""
    account = user_by_login(login)
    user = authenticate(request, email=account.email if account else login, password=password)
    return tokens.login_access_token(user) if user is not None else None
