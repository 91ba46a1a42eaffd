"""The one pricing function: goods, a voucher, a shipping method and a tax rate → the order's five amounts.

`order_totals` is pure (no database), so the cart document, the quote and checkout, which all reach it
through `quote` (shop/pricing/selectors.py), cannot disagree, and property tests can drive it directly.

Rules, in order:
* subtotal: the sum of unit price times quantity;
* discount: on the goods the voucher applies to (its categories, or all), a percentage rounded half-up to
  the cent or a fixed amount, capped by the voucher's maximum and by those goods' own sum;
* shipping: the method's price, 0 when the goods after discount reach its `free_over` or the voucher ships
  free, 0 without a method;
* tax: at the destination's rate on goods after discount plus shipping, rounded half-up once per order; with
  PRICES_INCLUDE_TAX the prices hold it already and `tax` is the part of the total that is tax.
So `total = subtotal - discount + shipping + tax` (with prices including tax: `subtotal - discount + shipping`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shop.core.money import CENT

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Line:
    unit_price: Decimal
    quantity: int
    category_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class VoucherTerms:
    """What a voucher does to an order once it is known to be usable (`voucher_problem` says whether)."""

    code: str
    kind: str  # "percent" | "fixed" | "free_shipping"
    value: Decimal = ZERO
    max_discount: Decimal | None = None
    category_ids: frozenset[int] = frozenset()  # empty: every line

    def applies_to(self, line: Line) -> bool:
        return not self.category_ids or bool(self.category_ids & line.category_ids)


@dataclass(frozen=True)
class ShippingTerms:
    code: str
    name: str
    price: Decimal
    free_over: Decimal | None = None


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    tax_rate: Decimal = ZERO
    tax_included: bool = False


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def subtotal_of(lines: Sequence[Line]) -> Decimal:
    return cents(sum((line.unit_price * line.quantity for line in lines), ZERO))


def eligible_subtotal(lines: Sequence[Line], voucher: VoucherTerms) -> Decimal:
    return cents(sum((line.unit_price * line.quantity for line in lines if voucher.applies_to(line)), ZERO))


def discount_of(lines: Sequence[Line], voucher: VoucherTerms | None) -> Decimal:
    if voucher is None or voucher.kind == "free_shipping":
        return ZERO
    eligible = eligible_subtotal(lines, voucher)
    amount = cents(eligible * voucher.value / HUNDRED) if voucher.kind == "percent" else voucher.value
    if voucher.max_discount is not None:
        amount = min(amount, voucher.max_discount)
    return cents(min(amount, eligible))


def shipping_of(goods: Decimal, method: ShippingTerms | None, voucher: VoucherTerms | None) -> Decimal:
    if method is None or (voucher is not None and voucher.kind == "free_shipping"):
        return ZERO
    if method.free_over is not None and goods >= method.free_over:
        return ZERO
    return cents(method.price)


def tax_of(base: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    if included:
        return cents(base * rate / (1 + rate))
    return cents(base * rate)


def order_totals(
    *,
    lines: Sequence[Line],
    voucher: VoucherTerms | None = None,
    shipping_method: ShippingTerms | None = None,
    tax_rate: Decimal = ZERO,
    prices_include_tax: bool = False,
) -> Totals:
    """The order's subtotal, discount, shipping, tax and total (see the module's docstring)."""
    subtotal = subtotal_of(lines)
    discount = discount_of(lines, voucher)
    goods = subtotal - discount
    shipping = shipping_of(goods, shipping_method, voucher)
    tax = tax_of(goods + shipping, tax_rate, included=prices_include_tax)
    total = goods + shipping + (ZERO if prices_include_tax else tax)
    return Totals(subtotal, discount, shipping, tax, total, tax_rate, prices_include_tax)
