"""Order business rules: placing an order from a cart, moving it through its workflow (cancelling included),
what follows its payment (`order_paid`, `order_refunded`) and its shipments.

Locks (same order everywhere, so no deadlocks): the cart or order row first, then the cart's or order's voucher
(`voucher_lock`), then the product rows in primary-key order (`stock_check` / `stock_lock`, PostgreSQL; SQLite's
IMMEDIATE transactions serialise writers).
Stock is then changed with a guarded `UPDATE ... WHERE stock >= quantity` (`stock_adjust`), which stays
correct even without the row locks; the `stock >= 0` check constraint is the last line.
"""

import secrets
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.accounts.models import Address
from shop.carts.models import Cart
from shop.carts.selectors import cart_queryset, cart_quote
from shop.carts.services import cart_holder, cart_mark_ordered
from shop.catalog.models import StockMovement
from shop.catalog.reviews import purchases_record
from shop.catalog.selectors import variants_prepare
from shop.catalog.services import stock_adjust, stock_check, stock_lock
from shop.catalog.variants import product_options, variant_title
from shop.core.exceptions import Conflict, InvalidInput, InvalidTransition
from shop.orders import signals
from shop.orders.emails import customer_email_schedule
from shop.orders.invoices import invoice_number_assign
from shop.orders.models import (
    CHANGE_STATUS_PERMISSION,
    MONEY_MAX,
    CustomerEmail,
    Order,
    OrderItem,
    OrderStatusChange,
    Shipment,
)
from shop.pricing.exceptions import VoucherUnavailable
from shop.pricing.selectors import Quote, shipping_method_choose
from shop.pricing.services import voucher_lock, voucher_redeem, voucher_release

ALLOWED_TRANSITIONS = {"pending": {"paid", "cancelled"}, "paid": {"shipped", "cancelled"}, "shipped": {"delivered"}}
OWNER_TRANSITIONS = {"pending": {"cancelled"}}  # what a customer may do to their own order
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without the look-alikes 0/O, 1/I
NUMBER_ATTEMPTS = 5


def allowed_next_statuses(order: Order, *, by) -> set[str]:
    """The statuses `by` may move the order to: holders of `orders.change_order_status` along
    ALLOWED_TRANSITIONS, anyone else (the order's customer, or None: the system) only to cancel
    while pending. Who may see the order at all is the caller's business (the API scopes orders to their owner)."""
    staff = by is not None and by.has_perm(CHANGE_STATUS_PERMISSION)
    transitions = ALLOWED_TRANSITIONS if staff else OWNER_TRANSITIONS
    return set(transitions.get(order.status, set()))


def order_number_generate() -> str:
    """`SO-YYYYMMDD-XXXXXX`: the date plus six random base32 characters (about 10^9 per day)."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"SO-{timezone.now():%Y%m%d}-{suffix}"


def _shipping_fields(user, shipping_address) -> dict:
    """The address copied onto the order: the given one (must be the user's), else the default; none is a 400."""
    if shipping_address is not None:
        address_id = getattr(shipping_address, "pk", shipping_address)
        address = Address.objects.filter(pk=address_id, user=user).first()
        if address is None:
            raise InvalidInput({"shipping_address": ["No such address among yours."]})
    else:
        address = Address.objects.filter(user=user, is_default=True).first()
    if address is None:
        raise InvalidInput({"shipping_address": ["Choose a shipping address: you have no default address."]})
    return {
        "shipping_name": user.get_full_name(),
        "shipping_line1": address.line1,
        "shipping_line2": address.line2,
        "shipping_city": address.city,
        "shipping_postcode": address.postcode,
        "shipping_country": address.country,
        "shipping_phone": address.phone or user.phone,
    }


def _create_order(**fields) -> Order:
    """Create the order under a fresh random number, retrying the rare collision in a savepoint."""
    for _ in range(NUMBER_ATTEMPTS):
        number = order_number_generate()
        try:
            with transaction.atomic():
                return Order.objects.create(number=number, **fields)
        except IntegrityError:
            if not Order.objects.filter(number=number).exists():
                raise
    raise Conflict("Could not allocate an order number; try again.")


def _lock_cart_for_checkout(cart: Cart, user) -> tuple[Cart, list]:
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.user_id != user.pk:
        raise Conflict("Only the cart's owner can check it out; a guest cart must be merged first.")
    if cart.status != Cart.Status.OPEN:
        raise Conflict(f"The cart is {cart.status}; only an open cart can be checked out.")
    items = list(cart.items.order_by("product_id"))
    if not items:
        raise Conflict("The cart is empty.")
    return cart, items


def _priced(cart: Cart, *, voucher, country: str, shipping_method) -> Quote:
    """The cart's quote at checkout (read after its products are locked, so at the prices the order copies)
    with its locked voucher; a voucher no longer usable is a 409 and a total larger than an order's money
    columns hold (MONEY_MAX) a 400, not a broken order."""
    cart = cart_queryset().get(pk=cart.pk)
    cart.voucher = voucher
    priced = cart_quote(cart, country=country, shipping_method=shipping_method)
    if priced.voucher_problem:
        raise VoucherUnavailable(priced.voucher_problem)
    if priced.totals.total > MONEY_MAX or priced.totals.subtotal > MONEY_MAX:
        raise InvalidInput(
            {"non_field_errors": [f"The order would total {priced.totals.total:,}, more than one order can hold."]}
        )
    return priced


def _money_fields(priced: Quote) -> dict:
    """The order's snapshot of its prices: each part, the currency, the voucher and the method."""
    totals, method, voucher = priced.totals, priced.shipping_method, priced.voucher
    return {
        "currency": priced.currency,
        "subtotal": totals.subtotal,
        "discount": totals.discount,
        "shipping": totals.shipping,
        "tax": totals.tax,
        "total": totals.total,
        "tax_rate": totals.tax_rate,
        "tax_included": totals.tax_included,
        "voucher": voucher,
        "voucher_code": voucher.code if voucher else "",
        "shipping_method_code": method.code if method else "",
        "shipping_method_name": method.name if method else "",
        "shipping_method_price": method.price if method else None,
    }


@transaction.atomic
def order_place(*, cart: Cart, by, shipping_address=None, shipping_method: str | None = None) -> Order:
    """`by` (the cart's customer) turns the open cart into a pending order, all or nothing.

    The address (the given one, else the default) is required, and so is a shipping method (its code) when some
    method serves the address's country. Every line is checked before anything changes (`stock_check` with the
    cart's reservations; an inactive product counts as 0), so `InsufficientStock` lists all the short products.
    The cart is priced by the one pricing function (`cart_quote`), exactly as its quote was; a voucher that
    stopped being usable is `VoucherUnavailable` (409). Then stock is decremented with a `sale` movement per
    line, prices, titles, skus, variants' options, the address and every part of the total are copied, the
    voucher's use is counted, and the cart becomes `ordered` with its reservations released.
    """
    cart, items = _lock_cart_for_checkout(cart, by)
    shipping = _shipping_fields(by, shipping_address)
    method = shipping_method_choose(country=shipping["shipping_country"], code=shipping_method)
    voucher = voucher_lock(voucher=cart.voucher) if cart.voucher_id is not None else None
    products = stock_check(wanted={item.product_id: item.quantity for item in items}, holder=cart_holder(cart.pk))
    priced = _priced(cart, voucher=voucher, country=shipping["shipping_country"], shipping_method=method)
    lines = [(products[item.product_id], item.quantity) for item in items]
    variants_prepare(products.values())
    order = _create_order(user=by, cart=cart, **_money_fields(priced), **shipping)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=product,
            sku=product.sku,
            title=variant_title(product),
            options=product_options(product),
            unit_price=product.price,
            quantity=qty,
            line_total=product.price * qty,
        )
        for product, qty in lines
    )
    for product, qty in lines:
        stock_adjust(product=product, delta=-qty, reason=StockMovement.Reason.SALE, reference=order.number, by=by)
    if priced.voucher is not None:
        voucher_redeem(voucher=priced.voucher, user=by, reference=order.number, discount=order.discount)
    OrderStatusChange.objects.create(order=order, from_status="", to_status=Order.Status.PENDING, changed_by=by)
    cart_mark_ordered(cart=cart)
    customer_email_schedule(order=order, kind=CustomerEmail.Kind.ORDER_PLACED)
    return order


def _move(order: Order, status: str, by, note: str = "") -> Order:
    OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=status, changed_by=by, note=note)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    return order


def _restore_stock(order: Order, by) -> None:
    items = [item for item in order.items.order_by("product_id") if item.product_id is not None]
    stock_lock(product_ids=[item.product_id for item in items])
    for item in items:
        stock_adjust(
            product=item.product, delta=item.quantity, reason=StockMovement.Reason.CANCEL, reference=order.number, by=by
        )


@transaction.atomic
def order_set_status(*, order: Order, status: str, by) -> Order:
    """Move the order to `status` if `by` may (`allowed_next_statuses`), else `InvalidTransition` (409).
    Paid is a payment: a manual payment of the full total is recorded (`full_payment_requested`, handled by the
    payments app). Cancelling puts the stock back (`cancel` movements); delivering tells the catalog what the
    customer has received (`purchases_record`: their reviews of it become verified purchases)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    allowed = allowed_next_statuses(order, by=by)
    if status not in allowed:
        names = ", ".join(sorted(allowed)) or "none"
        raise InvalidTransition(f"Cannot move an order from {order.status} to {status} (allowed for you: {names}).")
    if status == Order.Status.PAID:
        return _request_full_payment(order, by)
    if status == Order.Status.CANCELLED:
        if order.voucher_id is not None:
            voucher_release(voucher=order.voucher, reference=order.number)  # before the products: lock order
        _restore_stock(order, by)
    if status == Order.Status.DELIVERED:
        purchases_record(
            user=order.user, product_ids=order.items.exclude(product=None).values_list("product_id", flat=True)
        )
    return _move(order, status, by)


def _request_full_payment(order: Order, by) -> Order:
    if not signals.full_payment_requested.send(sender=Order, order=order, by=by):
        raise ImproperlyConfigured("Nothing records payments: add shop.payments to INSTALLED_APPS.")
    order.refresh_from_db()
    return order


@transaction.atomic
def order_mark_paid(*, order: Order, by, note: str = "") -> Order:
    """The single place an order becomes paid: `payment_status` paid and, while pending, status paid (a history
    row by `by`), then what follows a payment (`order_paid`: the invoice number, the email), all in this
    transaction. Called by the payments services once succeeded payments cover the total; a second call changes
    nothing."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_status == Order.PaymentStatus.PAID:
        return order
    order.payment_status = Order.PaymentStatus.PAID
    order.save(update_fields=["payment_status", "updated_at"])
    if order.status == Order.Status.PENDING:
        _move(order, Order.Status.PAID, by, note)
    order = order_paid(order=order)
    signals.order_paid.send(sender=Order, order=order, by=by)
    return order


@transaction.atomic
def order_cancel(*, order: Order, by) -> Order:
    """Cancel: customers while pending, staff also when paid; the same path as `order_set_status(cancelled)`."""
    return order_set_status(order=order, status=Order.Status.CANCELLED, by=by)


@transaction.atomic
def order_paid(*, order: Order) -> Order:
    """What follows an order becoming paid, in the transaction that makes it paid: the invoice number (gapless
    per year) and, after the commit, the "payment received" email. The one place that makes an order paid calls
    it; calling it again for the same order changes and sends nothing."""
    order = invoice_number_assign(order=order)
    customer_email_schedule(
        order=order, kind=CustomerEmail.Kind.PAYMENT_RECEIVED, details={"invoice_number": order.invoice_number}
    )
    return order


def order_refunded(*, order: Order, refund_id, amount: Decimal, reason: str = "") -> None:
    """What follows a refund of the order (call it in the refund's transaction): the "refunded" email after the
    commit, once per refund."""
    customer_email_schedule(
        order=order,
        kind=CustomerEmail.Kind.REFUNDED,
        event=str(refund_id),
        details={"amount": f"{amount:.2f}", "reason": reason},
    )


SHIPPABLE = {Order.Status.PAID, Order.Status.SHIPPED}  # a second parcel may follow the first


@transaction.atomic
def shipment_create(*, order: Order, carrier: str, tracking_number: str, tracking_url: str = "", by) -> Shipment:
    """Record a parcel sent for a paid order (409 otherwise): a paid order moves to `shipped`, and the customer
    is mailed the tracking after the commit. The same carrier and tracking number twice on one order is a 409.
    Who may do it (`orders.add_shipment`) is the caller's check, as for every staff action."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in SHIPPABLE:
        raise Conflict(f"Only a paid order can be shipped; this one is {order.status}.")
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                order=order, carrier=carrier, tracking_number=tracking_number, tracking_url=tracking_url, created_by=by
            )
    except IntegrityError as exc:
        raise Conflict(f"This order already has a {carrier} shipment with tracking number {tracking_number}.") from exc
    if order.status == Order.Status.PAID:
        _move(order, Order.Status.SHIPPED, by, note=f"{carrier} {tracking_number}"[:255])
    details = {"carrier": carrier, "tracking_number": tracking_number, "tracking_url": tracking_url}
    customer_email_schedule(order=order, kind=CustomerEmail.Kind.SHIPPED, event=str(shipment.pk), details=details)
    return shipment
