"""Refresh tokens: issue, rotate (single use, even under concurrency), revoke one, revoke all.

simplejwt records every refresh it issues as an `OutstandingToken` and revokes one by inserting a
`BlacklistedToken` (one-to-one with the outstanding row). Its stock refresh view checks the blacklist
and inserts into it in separate, unlocked steps, so several simultaneous refreshes of one token all
succeed and each mints a new refresh. Here every step that reads or grows a user's set of live tokens
runs in one transaction that first locks that user's row (`select_for_update`):

* `rotate_refresh` locks the user, then the outstanding row of the presented token, checks the
  blacklist and blacklists it before issuing the successor. A second request for the same token waits
  on the lock and then sees the blacklist row, so exactly one rotation wins. The one-to-one constraint
  on `BlacklistedToken.token` is the last line: a losing insert is an `IntegrityError`, never a success.
* `revoke_all_refresh` takes the same user lock, so a rotation running at the same time either commits
  first (and its new token is revoked too) or starts after (and finds its token blacklisted).

Lock order is always user row, then token rows.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken


class RefreshRejected(Exception):
    """The presented token cannot be used (invalid, expired, revoked, or its user is gone or inactive)."""


def issue_tokens(user) -> dict:
    """A new refresh (recorded as outstanding) and its access token."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def decode_refresh(raw: str) -> RefreshToken:
    """Signature, expiry, type and blacklist checked; raises `RefreshRejected`."""
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise RefreshRejected(str(exc)) from exc


def token_is_valid(raw: str) -> bool:
    """Any token type: signature and expiry valid, and not blacklisted (only refreshes can be)."""
    try:
        token = UntypedToken(raw)
    except TokenError:
        return False
    jti = token.get(api_settings.JTI_CLAIM)
    return not BlacklistedToken.objects.filter(token__jti=jti).exists()


def _lock_user(user_id):
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None or not user.is_active:
        raise RefreshRejected("No active account found for the given token.")
    return user


def _lock_outstanding(token: RefreshToken, user) -> OutstandingToken | None:
    """The token's outstanding row, locked. `order_by` drops the model's ordering by user, an outer join
    that PostgreSQL refuses to lock."""
    jti = token[api_settings.JTI_CLAIM]
    return OutstandingToken.objects.select_for_update().filter(jti=jti, user=user).order_by("pk").first()


def _blacklist_once(outstanding: OutstandingToken) -> None:
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        raise RefreshRejected("Token is blacklisted")
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as exc:
        raise RefreshRejected("Token is blacklisted") from exc


@transaction.atomic
def rotate_refresh(raw: str) -> dict:
    """Blacklist the presented refresh and issue its successor, at most once per token (see module doc)."""
    token = decode_refresh(raw)
    user = _lock_user(token.get(api_settings.USER_ID_CLAIM))
    outstanding = _lock_outstanding(token, user)
    if outstanding is None:
        raise RefreshRejected("Token is invalid")
    _blacklist_once(outstanding)
    return issue_tokens(user)


@transaction.atomic
def revoke_refresh(raw: str, *, user) -> None:
    """Blacklist one refresh token of `user`; a token of someone else is rejected like an invalid one."""
    token = decode_refresh(raw)
    if str(token.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
        raise RefreshRejected("Token is invalid")
    outstanding = _lock_outstanding(token, _lock_user(user.pk))
    if outstanding is None:
        raise RefreshRejected("Token is invalid")
    _blacklist_once(outstanding)


@transaction.atomic
def revoke_all_refresh(*, user) -> None:
    """Blacklist every unexpired, not yet blacklisted refresh of `user`."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    revoked = [BlacklistedToken(token=outstanding) for outstanding in live]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)


def login_tokens(user) -> dict:
    """Tokens for a user who just proved their password; records the login time when configured to."""
    if api_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    return issue_tokens(user)


def login_access_token(user) -> str:
    """An access token alone, no refresh recorded (the FakeStore login's `{token}`), for a user who just proved
    their password; records the login time when configured to."""
    if api_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    return str(AccessToken.for_user(user))
