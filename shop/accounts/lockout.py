"""The login lock-out (django-axes, configured in settings `AXES_*`): who a login attempt is for, and the
API's answer to a locked-out login. The admin's answer is the template `admin/lockout.html`."""

import math

from axes.helpers import get_cool_off
from rest_framework.exceptions import Throttled

from shop.accounts import services

LOCKED_OUT = "Too many failed logins for this account from your address; try again later."


def username_of(request, credentials: dict | None) -> str:
    """The account an attempt is for, spelt as the accounts rule spells emails, whichever form sent it:
    the admin posts `username`, the API `email`."""
    source = credentials or getattr(request, "data", None) or request.POST
    return services.email_normalize(str(source.get("username") or source.get("email") or ""))


def raise_if_locked_out(request) -> None:
    """After `authenticate` failed: a lock-out (new or standing) is a 429 with Retry-After, not a 401."""
    if getattr(request, "axes_locked_out", False):
        raise Throttled(wait=math.ceil(get_cool_off(request).total_seconds()), detail=LOCKED_OUT)
