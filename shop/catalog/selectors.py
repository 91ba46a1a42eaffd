"""Catalog reads shared by the admin, the API, the background jobs and the apps above the catalog."""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.auth.backends import ModelBackend
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from shop.accounts.models import User
from shop.catalog.models import Product, StockReservation


def product_list_low_stock(*, threshold: int) -> QuerySet[Product]:
    """Active products with `threshold` units or fewer on hand (out of stock included), emptiest first."""
    return Product.objects.filter(is_active=True, stock__lte=threshold).order_by("stock", "sku")


def catalog_managers() -> QuerySet[User]:
    """Active users who may change products (`catalog.change_product`) through a group, directly, or as
    superusers (Django's own permission query, as `has_perm` decides it)."""
    return ModelBackend().with_perm("catalog.change_product").exclude(email="").order_by("email")


# --- Stock ----------------------------------------------------------------------------------------


def stock_reservations(*, holder: str) -> QuerySet[StockReservation]:
    """The holder's reservations that still count (unexpired), by product."""
    return StockReservation.objects.filter(holder=holder, expires_at__gt=timezone.now()).order_by("product_id")


def stock_available(*, product_ids: Iterable[int], holder: str | None = None) -> dict[int, int]:
    """How many units of each product `holder` may take now; unknown ids are absent, inactive products are 0.

    Normally that is the stock minus the unexpired reservations of the other holders. When the reservations
    add up to more than the stock (staff lowered it after they were made), a holder still gets its own
    reserved units as far as the reservations older than its own leave them:

        available = max(stock - others, min(own, stock - older others))

    so with S units left and more than S reserving carts, the S oldest can still buy: sales never freeze.
    The caller locks the product rows first when it acts on the answer (`stock_check`).
    """
    ids = set(product_ids)
    products = Product.objects.filter(pk__in=ids).values_list("pk", "stock", "is_active")
    own = {r.product_id: r for r in stock_reservations(holder=holder).filter(product_id__in=ids)} if holder else {}
    others = _reserved_by_others(ids, holder, own)
    answer = {}
    for pk, stock, is_active in products:
        reserved, older = others.get(pk, (0, 0))
        mine = own[pk].quantity if pk in own else 0
        answer[pk] = max(0, stock - reserved, min(mine, stock - older)) if is_active else 0
    return answer


def _reserved_by_others(ids: set[int], holder: str | None, own: dict[int, StockReservation]) -> dict:
    """{product: (units reserved by other holders, of which by reservations older than the holder's own)}."""
    live = StockReservation.objects.filter(product_id__in=ids, expires_at__gt=timezone.now())
    if holder:
        live = live.exclude(holder=holder)
    sums = {"total": Sum("quantity")}
    if own:
        sums["older"] = Sum("quantity", filter=reduce(or_, (_older_than(mine) for mine in own.values())))
    rows = live.values("product_id").annotate(**sums)
    return {row["product_id"]: (row["total"], row.get("older") or 0) for row in rows}


def _older_than(reservation: StockReservation) -> Q:
    earlier = Q(created_at__lt=reservation.created_at) | Q(created_at=reservation.created_at, pk__lt=reservation.pk)
    return Q(product_id=reservation.product_id) & earlier


def products_with_history(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """The products that rows elsewhere must keep pointing at (stock movements, order lines: every foreign key
    with `on_delete=PROTECT`), so they can be deactivated but not deleted. Found from the relations
    themselves, so the catalog need not name the apps above it."""
    keeping = [
        Exists(rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")}))
        for rel in Product._meta.related_objects
        if rel.on_delete is models.PROTECT
    ]
    return queryset.filter(reduce(or_, keeping)) if keeping else queryset.none()
