"""Accounts reads: who may see which users and addresses. Writes are in `services.py`."""

from django.db.models import Prefetch, QuerySet

from shop.accounts.models import Address, User
from shop.accounts.services import email_normalize
from shop.core.permissions import sees_all


def user_list(*, user) -> QuerySet[User]:
    """Every user for holders of the view_ or change_ permission; for anyone else only their own (so another
    id is a 404, never a 403)."""
    users = User.objects.order_by("id")
    return users if sees_all(user, User) else users.filter(pk=getattr(user, "pk", None))


def address_list(*, user) -> QuerySet[Address]:
    """Every address for holders of the view_ or change_ permission; for anyone else only their own."""
    addresses = Address.objects.order_by("id")
    return addresses if sees_all(user, Address) else addresses.filter(user_id=getattr(user, "pk", None))


def customer_list() -> QuerySet[User]:
    """Active customers (neither staff nor superusers) by id, each with `default_addresses` (none or one)."""
    defaults = Prefetch("addresses", queryset=Address.objects.filter(is_default=True), to_attr="default_addresses")
    customers = User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
    return customers.prefetch_related(defaults).order_by("id")


def user_by_login(login: str) -> User | None:
    """The account a login name stands for: an email when it has an @ (usernames never do), else a
    username, in any case; None when no account has it."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=email_normalize(login)).first()
    return User.objects.filter(username__iexact=login).first()


def address_of(*, user_id: int, pk: int) -> Address | None:
    """The address `pk` if it belongs to the user `user_id`, else None."""
    return Address.objects.filter(pk=pk, user_id=user_id).first()
