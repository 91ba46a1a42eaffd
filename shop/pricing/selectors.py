"""Pricing reads: the methods and the tax rate of a destination, vouchers by code, whether a voucher is
usable, and `quote`, the way every caller reaches the one pricing function (shop/pricing/totals.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shop.core.exceptions import InvalidInput
from shop.core.money import shop_currency
from shop.pricing.models import ShippingMethod, TaxRate, Voucher, VoucherUse
from shop.pricing.totals import ZERO, Line, ShippingTerms, Totals, VoucherTerms, order_totals, subtotal_of


def shipping_method_list() -> QuerySet[ShippingMethod]:
    return ShippingMethod.objects.all()


def shipping_methods_for(*, country: str | None) -> list[ShippingMethod]:
    """The active methods serving `country` (None: every active method), cheapest first within a position."""
    methods = ShippingMethod.objects.filter(is_active=True)
    return [method for method in methods if country is None or method.serves(country)]


def tax_rate_list() -> QuerySet[TaxRate]:
    return TaxRate.objects.all()


def tax_rate_for(*, country: str | None) -> Decimal:
    if not country:
        return ZERO
    rate = TaxRate.objects.filter(country=country, is_active=True).values_list("rate", flat=True).first()
    return rate if rate is not None else ZERO


def voucher_list() -> QuerySet[Voucher]:
    return Voucher.objects.prefetch_related("categories")


def voucher_by_code(code: str) -> Voucher | None:
    return voucher_list().filter(code__iexact=code.strip()).first()


def voucher_terms(voucher: Voucher) -> VoucherTerms:
    return VoucherTerms(
        code=voucher.code,
        kind=voucher.kind,
        value=voucher.value,
        max_discount=voucher.max_discount,
        category_ids=frozenset(category.pk for category in voucher.categories.all()),
    )


def customer_uses(*, voucher: Voucher, user) -> int:
    """The uses of `voucher` by orders of `user` that were not cancelled."""
    return VoucherUse.objects.filter(voucher=voucher, user=user, released_at__isnull=True).count()


def voucher_problem(
    voucher: Voucher | None, *, lines: Sequence[Line], user=None, now: datetime | None = None
) -> str | None:
    """Why `voucher` cannot be used on these goods by `user` (a user or a user id) now (a key of
    shop.pricing.exceptions.REASONS), or None. Without `user` the per-customer limit is not checked (a guest's
    cart, a page of cart documents): the quote and checkout pass it."""
    now = now or timezone.now()
    if voucher is None:
        return "unknown"
    if not voucher.is_active:
        return "inactive"
    if voucher.starts_at and now < voucher.starts_at:
        return "not_started"
    if voucher.ends_at and now >= voucher.ends_at:
        return "expired"
    if voucher.usage_limit is not None and voucher.times_used >= voucher.usage_limit:
        return "used_up"
    if voucher.min_subtotal is not None and subtotal_of(lines) < voucher.min_subtotal:
        return "minimum_not_met"
    terms = voucher_terms(voucher)
    if terms.category_ids and not any(terms.applies_to(line) for line in lines):
        return "not_applicable"
    limit = voucher.per_customer_limit
    if user is not None and limit is not None and customer_uses(voucher=voucher, user=user) >= limit:
        return "used_up"
    return None


def shipping_terms(method: ShippingMethod | None) -> ShippingTerms | None:
    if method is None:
        return None
    return ShippingTerms(code=method.code, name=method.name, price=method.price, free_over=method.free_over)


@dataclass(frozen=True)
class Quote:
    """The totals with what they were computed from: the currency, the voucher (None when absent or not
    usable; `voucher_problem` says why not) and the shipping method."""

    totals: Totals
    currency: str
    voucher: Voucher | None
    voucher_problem: str | None
    shipping_method: ShippingMethod | None


def quote(
    *,
    lines: Sequence[Line],
    country: str | None = None,
    shipping_method: ShippingMethod | None = None,
    voucher: Voucher | None = None,
    user=None,
) -> Quote:
    """Price goods for a destination: the voucher counts only if it is usable (`voucher_problem`), the tax
    is the destination's (none without one). The cart document, the quote endpoint and checkout call this."""
    problem = voucher_problem(voucher, lines=lines, user=user) if voucher is not None else None
    usable = voucher if voucher is not None and problem is None else None
    totals = order_totals(
        lines=lines,
        voucher=voucher_terms(usable) if usable else None,
        shipping_method=shipping_terms(shipping_method),
        tax_rate=tax_rate_for(country=country),
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
    )
    return Quote(totals, shop_currency(), usable, problem, shipping_method)


def shipping_method_choose(*, country: str, code: str | None) -> ShippingMethod | None:
    """The active method `code` for `country`; None when the destination has no method at all. A code that
    does not serve it, or no code while some method does, is a 400 on `shipping_method`."""
    available = shipping_methods_for(country=country)
    if code is None:
        if available:
            codes = ", ".join(method.code for method in available)
            raise InvalidInput({"shipping_method": [f"Choose a shipping method for {country}: {codes}."]})
        return None
    method = next((method for method in available if method.code == code), None)
    if method is None:
        raise InvalidInput({"shipping_method": [f"No active shipping method {code!r} serves {country}."]})
    return method
