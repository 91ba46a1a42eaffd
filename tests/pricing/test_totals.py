"""The one pricing function on its own: worked examples, then properties over generated carts, vouchers and rates."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shop.pricing.totals import Line, ShippingTerms, VoucherTerms, order_totals

D = Decimal
STANDARD = ShippingTerms(code="standard", name="Standard", price=D("4.99"), free_over=D("50.00"))


def test_tax_is_on_discounted_goods_plus_shipping_rounded_once():
    lines = [Line(D("19.99"), 2), Line(D("0.01"), 3)]  # 40.01
    totals = order_totals(
        lines=lines, voucher=VoucherTerms("TEN", "percent", D("10")), shipping_method=STANDARD, tax_rate=D("0.0825")
    )
    assert totals.subtotal == D("40.01")
    assert totals.discount == D("4.00")  # 4.001 rounded half-up
    assert totals.shipping == D("4.99")
    assert totals.tax == D("3.38")  # (36.01 + 4.99) x 0.0825 = 3.3825
    assert totals.total == totals.subtotal - totals.discount + totals.shipping + totals.tax


def test_half_a_cent_of_tax_rounds_up_once_per_order_not_per_line():
    one = order_totals(lines=[Line(D("0.05"), 1)], tax_rate=D("0.1000"))
    two = order_totals(lines=[Line(D("0.05"), 1), Line(D("0.05"), 1)], tax_rate=D("0.1000"))
    assert one.tax == D("0.01") and one.total == D("0.06")
    assert two.tax == D("0.01")  # per line it would be 0.02


def test_shipping_is_free_once_goods_after_discount_reach_the_threshold():
    at_threshold = order_totals(lines=[Line(D("50.00"), 1)], shipping_method=STANDARD)
    below_after_discount = order_totals(
        lines=[Line(D("50.00"), 1)], shipping_method=STANDARD, voucher=VoucherTerms("ONE", "fixed", D("1.00"))
    )
    assert at_threshold.shipping == D("0.00")
    assert below_after_discount.shipping == D("4.99")


def test_free_shipping_voucher_zeroes_shipping_and_discounts_nothing():
    totals = order_totals(
        lines=[Line(D("10.00"), 1)], shipping_method=STANDARD, voucher=VoucherTerms("SHIP", "free_shipping")
    )
    assert (totals.discount, totals.shipping, totals.total) == (D("0.00"), D("0.00"), D("10.00"))


def test_fixed_discount_is_capped_by_the_eligible_goods_and_the_maximum():
    shoes, hats = Line(D("30.00"), 1, frozenset({1})), Line(D("20.00"), 1, frozenset({2}))
    only_hats = VoucherTerms("HATS", "fixed", D("25.00"), category_ids=frozenset({2}))
    capped = VoucherTerms("BIG", "percent", D("50"), max_discount=D("7.50"))
    assert order_totals(lines=[shoes, hats], voucher=only_hats).discount == D("20.00")
    assert order_totals(lines=[shoes, hats], voucher=capped).discount == D("7.50")


def test_with_prices_including_tax_the_tax_is_the_included_part():
    totals = order_totals(lines=[Line(D("12.00"), 1)], tax_rate=D("0.2000"), prices_include_tax=True)
    assert totals.tax == D("2.00") and totals.total == D("12.00") and totals.tax_included


money = st.decimals(min_value=D("0.00"), max_value=D("9999.99"), places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(
    st.builds(Line, money, st.integers(1, 999), st.frozensets(st.integers(1, 4), max_size=2)), min_size=1, max_size=8
)
vouchers = st.none() | st.builds(
    VoucherTerms,
    st.just("CODE"),
    st.sampled_from(["percent", "fixed", "free_shipping"]),
    st.decimals(min_value=D("0.00"), max_value=D("100.00"), places=2),
    st.none() | money,
    st.frozensets(st.integers(1, 4), max_size=2),
)
methods = st.none() | st.builds(ShippingTerms, st.just("m"), st.just("M"), money, st.none() | money)
rates = st.decimals(min_value=D("0"), max_value=D("1"), places=4)


@given(lines=lines, voucher=vouchers, method=methods, rate=rates, included=st.booleans())
def test_totals_add_up_are_never_negative_and_never_discount_more_than_the_eligible_goods(
    lines, voucher, method, rate, included
):
    totals = order_totals(
        lines=lines, voucher=voucher, shipping_method=method, tax_rate=rate, prices_include_tax=included
    )
    parts = (totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total)
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts)
    eligible = sum((ln.unit_price * ln.quantity for ln in lines if voucher is None or voucher.applies_to(ln)), D(0))
    assert totals.discount <= eligible
    goods_and_shipping = totals.subtotal - totals.discount + totals.shipping
    assert totals.total == (goods_and_shipping if included else goods_and_shipping + totals.tax)
    if included:
        assert totals.tax <= totals.total


@given(lines=lines, voucher=vouchers, method=methods, rate=rates)
def test_the_same_inputs_give_the_same_totals(lines, voucher, method, rate):
    first = order_totals(lines=lines, voucher=voucher, shipping_method=method, tax_rate=rate)
    again = order_totals(lines=list(reversed(lines)), voucher=voucher, shipping_method=method, tax_rate=rate)
    assert first == again
