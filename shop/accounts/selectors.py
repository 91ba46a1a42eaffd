"""Accounts reads: who may see which users and addresses. Writes are in `services.py`."""

from django.db.models import QuerySet

from shop.accounts.models import Address, User
from shop.core.permissions import is_staff


def user_list(*, user) -> QuerySet[User]:
    """Every user for staff; for anyone else only their own (so another id is a 404, never a 403)."""
    users = User.objects.order_by("id")
    return users if is_staff(user) else users.filter(pk=getattr(user, "pk", None))


def address_list(*, user) -> QuerySet[Address]:
    """Every address for staff; for anyone else only their own."""
    addresses = Address.objects.order_by("id")
    return addresses if is_staff(user) else addresses.filter(user_id=getattr(user, "pk", None))
