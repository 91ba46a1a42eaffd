"""Cart business rules: open carts, line changes, merge, abandon.

Stock is the catalog's: a cart holds units as catalog reservations under the holder key `cart:<id>`
(`cart_holder`), set again on every change and released when the cart is cleared, abandoned, merged,
deleted or ordered. What a cart may hold:

* a customer's cart holds each line's units, at most CART_MAX_RESERVED_PER_LINE per line, until
  CART_RESERVATION_TTL_MINUTES after its last change (even an empty PATCH renews them);
* a guest's cart holds nothing unless CART_GUEST_RESERVATION_TTL_MINUTES is set, so one anonymous request
  cannot take stock away from customers;
* units a line has beyond what it holds were available when they were added, are checked again whenever the
  cart changes and are sold first come, first served at checkout.

Locks: a write locks the cart row first, then the product rows it checks, in primary-key order
(`stock_check`). Checkout takes them in the same order, so concurrent writers queue on the product instead of
both taking the last unit, and they cannot deadlock. On SQLite the IMMEDIATE-mode transaction serialises
writers anyway.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.carts.models import MAX_ITEM_QUANTITY, Cart, CartItem
from shop.carts.selectors import cart_lines, cart_queryset
from shop.catalog.models import Product
from shop.catalog.selectors import stock_available, stock_reservations
from shop.catalog.services import stock_check, stock_lock, stock_reservations_release, stock_reservations_set
from shop.catalog.variants import CHOOSE_A_VARIANT
from shop.core.exceptions import Conflict, InvalidInput
from shop.pricing.exceptions import VoucherInvalid
from shop.pricing.selectors import voucher_by_code, voucher_problem

STALE_BATCH = 500  # carts abandoned per transaction by `cart_abandon_stale`


def cart_holder(cart_id: int) -> str:
    """The catalog reservation holder key of a cart."""
    return f"cart:{cart_id}"


def _hold_until(cart: Cart, now: datetime) -> datetime | None:
    minutes = settings.CART_RESERVATION_TTL_MINUTES if cart.user_id else settings.CART_GUEST_RESERVATION_TTL_MINUTES
    return now + timedelta(minutes=minutes) if minutes > 0 else None


def _lock_cart(cart: Cart, *, must_be_open: bool = True) -> Cart:
    locked = Cart.objects.select_for_update().get(pk=cart.pk)
    if must_be_open and locked.status != Cart.Status.OPEN:
        raise Conflict(f"The cart is {locked.status}; only an open cart can be changed.")
    return locked


@transaction.atomic
def cart_get_or_create_open(*, user=None, session_key: str | None = None) -> Cart:
    """The open cart of `user`, or of the guest `session_key`, created when missing.

    The partial unique constraints decide a race between two first requests: the loser reads the winner's cart.
    """
    if (user is None) == (session_key is None):
        raise ValueError("Pass exactly one of user and session_key.")
    lookup = {"user": user} if user is not None else {"user__isnull": True, "session_key": session_key}
    cart = Cart.objects.filter(status=Cart.Status.OPEN, **lookup).first()
    if cart:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user, session_key=session_key if user is None else None)
    except IntegrityError:
        return Cart.objects.get(status=Cart.Status.OPEN, **lookup)


def _planned_quantities(current: dict[int, int], add, update, remove) -> tuple[dict[int, int], dict]:
    """Apply add → update → remove to a {product: quantity} map; returns it with field errors."""
    quantities, errors = dict(current), {}
    for op in add:
        if not 1 <= op["quantity"] <= MAX_ITEM_QUANTITY:
            errors.setdefault("add", []).append(f"Quantity must be from 1 to {MAX_ITEM_QUANTITY}.")
        quantities[op["product"]] = quantities.get(op["product"], 0) + op["quantity"]
    for op in update:
        if not 0 <= op["quantity"] <= MAX_ITEM_QUANTITY:
            errors.setdefault("update", []).append(f"Quantity must be from 0 to {MAX_ITEM_QUANTITY}.")
        if op["product"] not in quantities:
            errors.setdefault("update", []).append(f"Product {op['product']} is not in the cart.")
        quantities[op["product"]] = op["quantity"]
    for product_id in remove:
        quantities.pop(product_id, None)
    final = {pk: qty for pk, qty in quantities.items() if qty > 0}
    for pk, qty in final.items():
        if qty > MAX_ITEM_QUANTITY:
            errors.setdefault("non_field_errors", []).append(
                f"Product {pk}: at most {MAX_ITEM_QUANTITY} per line (would be {qty})."
            )
    if len(final) > settings.CART_MAX_LINES:
        errors.setdefault("non_field_errors", []).append(f"A cart holds at most {settings.CART_MAX_LINES} lines.")
    return final, errors


def _check_products(wanted: Iterable[int], errors: dict) -> None:
    products = Product.objects.in_bulk(set(wanted))
    for pk in wanted:
        product = products.get(pk)
        if product is None:
            errors.setdefault("non_field_errors", []).append(f"Product {pk} does not exist.")
        elif product.is_parent:
            errors.setdefault("non_field_errors", []).append(CHOOSE_A_VARIANT.format(pk=pk))
        elif not product.is_active:
            errors.setdefault("non_field_errors", []).append(f"Product {pk} is not available.")


def _write_lines(cart: Cart, lines: dict[int, CartItem], final: dict[int, int]) -> Cart:
    """Make the cart's lines equal `final`, hold their stock anew (`_hold_until`) and touch the cart."""
    now = timezone.now()
    CartItem.objects.filter(pk__in=[item.pk for pk, item in lines.items() if pk not in final]).delete()
    for pk, qty in final.items():
        if pk in lines and lines[pk].quantity != qty:
            CartItem.objects.filter(pk=lines[pk].pk).update(quantity=qty, updated_at=now)
    CartItem.objects.bulk_create(
        CartItem(cart=cart, product_id=pk, quantity=qty) for pk, qty in final.items() if pk not in lines
    )
    until = _hold_until(cart, now)
    held = {pk: min(qty, settings.CART_MAX_RESERVED_PER_LINE) for pk, qty in final.items()} if until else {}
    stock_reservations_set(holder=cart_holder(cart.pk), quantities=held, expires_at=until)
    cart.expires_at = until if any(held.values()) else None
    cart.save(update_fields=["expires_at", "updated_at"])
    return cart


@transaction.atomic
def cart_apply_changes(*, cart: Cart, add=(), update=(), remove=()) -> Cart:
    """Apply add → update → remove (each op `{"product": id, "quantity": n}`, remove a list of ids) all or nothing.

    Stock is checked for every line the cart does not fully hold (new, grown, lapsed, a guest's, beyond the
    per-line cap); then the cart's reservations are set anew. Removing a product that is not in the cart is
    a no-op.
    """
    cart = _lock_cart(cart)
    lines = {item.product_id: item for item in cart.items.all()}
    final, errors = _planned_quantities({pk: i.quantity for pk, i in lines.items()}, add, update, remove)
    _check_products([op["product"] for op in (*add, *update) if op["quantity"] > 0], errors)
    if errors:
        raise InvalidInput(errors)
    held = dict(stock_reservations(holder=cart_holder(cart.pk)).values_list("product_id", "quantity"))
    unheld = {pk: qty for pk, qty in sorted(final.items()) if held.get(pk, 0) < qty}
    if unheld:
        stock_check(wanted=unheld, holder=cart_holder(cart.pk))
    return _write_lines(cart, lines, final)


@transaction.atomic
def cart_voucher_apply(*, cart: Cart, code: str) -> Cart:
    """Put the voucher `code` (any case) on the open cart, replacing any other: it must be usable on the cart's
    goods now, by the cart's customer (`voucher_problem`), else `VoucherInvalid` with the reason and nothing
    changes. Checkout checks it again (it may be used up meanwhile)."""
    cart = _lock_cart(cart)
    voucher = voucher_by_code(code)
    problem = voucher_problem(voucher, lines=cart_lines(cart_queryset().get(pk=cart.pk)), user=cart.user_id)
    if problem:
        raise VoucherInvalid(problem)
    cart.voucher = voucher
    cart.save(update_fields=["voucher", "updated_at"])
    return cart


@transaction.atomic
def cart_voucher_remove(*, cart: Cart) -> Cart:
    cart = _lock_cart(cart)
    cart.voucher = None
    cart.save(update_fields=["voucher", "updated_at"])
    return cart


def _let_go(cart: Cart, status: str) -> Cart:
    stock_reservations_release(holders=[cart_holder(cart.pk)])
    cart.status, cart.expires_at = status, None
    cart.save(update_fields=["status", "expires_at", "updated_at"])
    return cart


@transaction.atomic
def cart_clear(*, cart: Cart) -> Cart:
    """Remove every line and release the cart's reservations; the cart stays open."""
    cart = _lock_cart(cart)
    cart.items.all().delete()
    return _let_go(cart, Cart.Status.OPEN)


@transaction.atomic
def cart_abandon(*, cart: Cart) -> Cart:
    """Open → abandoned; its reservations are released."""
    return _let_go(_lock_cart(cart), Cart.Status.ABANDONED)


@transaction.atomic
def cart_mark_ordered(*, cart: Cart) -> Cart:
    """Checkout's last step, inside its transaction with the cart row locked: open → ordered, stock let go
    (the order's `sale` movements took it)."""
    return _let_go(cart, Cart.Status.ORDERED)


@transaction.atomic
def cart_delete(*, cart: Cart) -> None:
    """Delete a cart in any status (a placed order keeps its copy). Its reservations are released by the
    `post_delete` receiver in shop/carts/signals.py, which also covers carts deleted with their user."""
    Cart.objects.filter(pk=cart.pk).delete()


def _merged_quantities(target: dict[int, int], guest: list[CartItem], available: dict[int, int]) -> dict[int, int]:
    """Guest quantities add to the user's, capped by available stock and 999; lines beyond CART_MAX_LINES are
    dropped; inactive or unavailable products are skipped; a user's own quantity is never lowered."""
    merged = dict(target)
    for item in guest:
        if not item.product.is_active:
            continue
        if item.product_id not in merged and len(merged) >= settings.CART_MAX_LINES:
            continue
        current = merged.get(item.product_id, 0)
        capped = min(current + item.quantity, MAX_ITEM_QUANTITY, available.get(item.product_id, 0))
        if max(current, capped) > 0:
            merged[item.product_id] = max(current, capped)
    return merged


@transaction.atomic
def cart_merge(*, guest_cart: Cart, user) -> Cart:
    """Move a guest cart's lines into the user's open cart (created when missing) and delete the guest cart."""
    if guest_cart.user_id is not None:
        raise Conflict("Only a guest cart can be merged.")
    target = cart_get_or_create_open(user=user)
    first, second = sorted([guest_cart, target], key=lambda c: c.pk)
    locked = {first.pk: _lock_cart(first), second.pk: _lock_cart(second)}
    guest_cart, target = locked[guest_cart.pk], locked[target.pk]
    guest_items = list(guest_cart.items.select_related("product"))
    lines = {item.product_id: item for item in target.items.all()}
    stock_lock(product_ids={*lines, *(item.product_id for item in guest_items)})
    stock_reservations_release(holders=[cart_holder(guest_cart.pk)])
    available = stock_available(product_ids=[item.product_id for item in guest_items], holder=cart_holder(target.pk))
    merged = _merged_quantities({pk: item.quantity for pk, item in lines.items()}, guest_items, available)
    target.voucher_id = target.voucher_id or guest_cart.voucher_id  # the guest's voucher comes along
    target.save(update_fields=["voucher"])
    guest_cart.delete()
    return _write_lines(target, lines, merged)


def cart_abandon_stale(*, now: datetime | None = None) -> int:
    """Open carts untouched for CART_ABANDON_TTL_MINUTES become abandoned and release their stock; returns how many.

    Safe on several machines at once: each batch locks its carts with SKIP LOCKED (PostgreSQL), so each cart
    is counted once, and a cart being changed right now (its row locked by the change) is left open.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.CART_ABANDON_TTL_MINUTES)
    count = 0
    while batch := _abandon_batch(cutoff, now):
        count += batch
    return count


@transaction.atomic
def _abandon_batch(cutoff: datetime, now: datetime) -> int:
    stale = Cart.objects.filter(status=Cart.Status.OPEN, updated_at__lt=cutoff).order_by("pk")
    ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True)[:STALE_BATCH])
    Cart.objects.filter(pk__in=ids).update(status=Cart.Status.ABANDONED, expires_at=None, updated_at=now)
    stock_reservations_release(holders=[cart_holder(pk) for pk in ids])
    return len(ids)
