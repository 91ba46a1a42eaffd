"""Pricing writes: staff's shipping methods, tax rates and vouchers, and the uses of vouchers by orders.

A voucher's uses change under its row lock (`voucher_lock`, PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers), and `times_used <= usage_limit` is a check constraint as the last line. Checkout locks
the cart, then the voucher, then the products; cancelling locks the order, then the voucher, then the
products: the same order everywhere, so they cannot deadlock.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.core.exceptions import Conflict, InvalidInput
from shop.pricing.exceptions import VoucherUnavailable
from shop.pricing.models import ShippingMethod, TaxRate, Voucher, VoucherUse
from shop.pricing.selectors import customer_uses


def _validated_save(instance, fields: dict, m2m: dict | None = None):
    """Set `fields`, run the model's validation (the admin's and the import's too) and save; errors are a 400."""
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from None
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def shipping_method_create(**fields) -> ShippingMethod:
    return _validated_save(ShippingMethod(), fields)


@transaction.atomic
def shipping_method_update(*, shipping_method: ShippingMethod, **fields) -> ShippingMethod:
    """Set `fields` on the method (new or not: the admin hands over its form's object) and save it, validated."""
    return _validated_save(shipping_method, fields)


@transaction.atomic
def shipping_method_delete(*, shipping_method: ShippingMethod) -> None:
    """Orders keep their own copy of the method's name and price, so a method can go."""
    shipping_method.delete()


@transaction.atomic
def tax_rate_create(**fields) -> TaxRate:
    return _validated_save(TaxRate(), fields)


@transaction.atomic
def tax_rate_update(*, tax_rate: TaxRate, **fields) -> TaxRate:
    return _validated_save(tax_rate, fields)


@transaction.atomic
def tax_rate_delete(*, tax_rate: TaxRate) -> None:
    """Orders keep the rate they were taxed at; the country pays no tax from now on."""
    tax_rate.delete()


def _voucher_m2m(fields: dict) -> dict:
    return {"categories": fields.pop("categories")} if "categories" in fields else {}


@transaction.atomic
def voucher_create(**fields) -> Voucher:
    m2m = _voucher_m2m(fields)
    return _validated_save(Voucher(), fields, m2m)


@transaction.atomic
def voucher_update(*, voucher: Voucher, **fields) -> Voucher:
    m2m = _voucher_m2m(fields)
    return _validated_save(voucher, fields, m2m)


@transaction.atomic
def voucher_delete(*, voucher: Voucher) -> None:
    """A voucher that was ever used stays (its uses are the orders' record): deactivate it instead."""
    if voucher.uses.exists():
        raise Conflict("This voucher has been used; deactivate it instead of deleting it.")
    voucher.delete()


def voucher_lock(*, voucher: Voucher) -> Voucher:
    """The voucher's row, locked until the end of the caller's transaction, with its current counts."""
    return Voucher.objects.select_for_update().prefetch_related("categories").get(pk=voucher.pk)


@transaction.atomic
def voucher_redeem(*, voucher: Voucher, user, reference: str, discount: Decimal) -> VoucherUse:
    """Count one use of the voucher for the order `reference` of `user`, within the total and the
    per-customer limits; over either: `VoucherUnavailable` (409), nothing changed. The caller holds the
    voucher's lock (`voucher_lock`) already when it priced the order with it."""
    voucher = voucher_lock(voucher=voucher)
    if voucher.per_customer_limit is not None and customer_uses(voucher=voucher, user=user) >= (
        voucher.per_customer_limit
    ):
        raise VoucherUnavailable("used_up", "You have used this voucher as often as it allows.")
    taken = Voucher.objects.filter(pk=voucher.pk)
    if voucher.usage_limit is not None:
        taken = taken.filter(times_used__lt=voucher.usage_limit)
    if not taken.update(times_used=F("times_used") + 1):
        raise VoucherUnavailable("used_up")
    return VoucherUse.objects.create(voucher=voucher, user=user, reference=reference, discount=discount)


@transaction.atomic
def voucher_release(*, voucher: Voucher, reference: str) -> bool:
    """Give back the use of the order `reference` (it was cancelled); False when it holds none."""
    voucher = voucher_lock(voucher=voucher)
    released = VoucherUse.objects.filter(voucher=voucher, reference=reference, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    if released:
        Voucher.objects.filter(pk=voucher.pk).update(times_used=F("times_used") - released)
    return bool(released)
