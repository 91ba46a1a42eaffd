"""Catalog business rules. Every stock change goes through `stock_adjust`, which writes the ledger."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.catalog.models import Product, StockMovement
from shop.core.exceptions import InsufficientStock


@transaction.atomic
def stock_adjust(*, product: Product, delta: int, reason: str, reference: str = "", user=None) -> Product:
    """Change `product.stock` by `delta` and record the movement.

    The update is guarded (`stock >= -delta`) so stock never goes below zero even when another
    transaction changed it since `product` was read; the check constraint is the last line.
    """
    if delta == 0:
        return product
    guard = {"stock__gte": -delta} if delta < 0 else {}
    changed = Product.objects.filter(pk=product.pk, **guard).update(stock=F("stock") + delta, updated_at=timezone.now())
    if not changed:
        available = Product.objects.filter(pk=product.pk).values_list("stock", flat=True).first() or 0
        raise InsufficientStock([{"product": product.pk, "available": available}])
    StockMovement.objects.create(product=product, delta=delta, reason=reason, reference=reference, user=user)
    product.refresh_from_db(fields=["stock", "updated_at"])
    return product


@transaction.atomic
def stock_set(*, product: Product, stock: int, reason: str, reference: str = "", user=None) -> Product:
    """Set an absolute stock level (admin edit, API write, import) as one movement of the difference."""
    current = Product.objects.select_for_update().values_list("stock", flat=True).get(pk=product.pk)
    return stock_adjust(product=product, delta=stock - current, reason=reason, reference=reference, user=user)
