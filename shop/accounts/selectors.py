"""Accounts reads: who may see which users and addresses. Writes are in `services.py`."""

from django.db.models import QuerySet

from shop.accounts.models import Address, User
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
