"""Cart business rules: open carts, line changes with stock reservations, merge, abandon.

Reservations: every line reserves its quantity until `reserved_until` (now + CART_RESERVATION_TTL_MINUTES
when the cart is last changed). Stock available to a cart is the product's stock minus the unexpired
reservations of the *other* open carts (`available_stock`).

Locks: a write locks the cart row first, then the product rows it checks, in primary-key order
(`select_for_update`, PostgreSQL). Checkout takes them in the same order, so concurrent writers queue on
the product instead of both reserving the last unit, and they cannot deadlock. On SQLite the
IMMEDIATE-mode transaction serialises writers anyway.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from shop.carts.models import MAX_ITEM_QUANTITY, Cart, CartItem
from shop.catalog.models import Product
from shop.core.exceptions import Conflict, InsufficientStock, InvalidInput


def insufficient_stock(shortages: list[dict]) -> InsufficientStock:
    """`shortages` lists every short product; with exactly one, `product` and `available` are also top-level."""
    exc = InsufficientStock(shortages)
    if len(shortages) == 1:
        exc.extra.update(shortages[0])
    return exc


def reservation_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timezone.timedelta(minutes=settings.CART_RESERVATION_TTL_MINUTES)


def available_excluding(product_ids: Iterable[int], exclude_cart_ids: Iterable[int] = ()) -> dict[int, int]:
    ids = set(product_ids)
    stocks = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock"))
    reserved = dict(
        CartItem.objects.filter(product_id__in=ids, cart__status=Cart.Status.OPEN, reserved_until__gt=timezone.now())
        .exclude(cart_id__in=list(exclude_cart_ids))
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    return {pk: max(0, stock - reserved.get(pk, 0)) for pk, stock in stocks.items()}


def available_stock(*, product_ids: Iterable[int], exclude_cart: Cart | None = None) -> dict[int, int]:
    """Stock minus unexpired reservations of open carts other than `exclude_cart`; unknown ids are absent."""
    return available_excluding(product_ids, [exclude_cart.pk] if exclude_cart else [])


def stock_shortages(wanted: dict[int, int], products: dict[int, Product], available: dict[int, int]) -> list[dict]:
    """One `{"product", "available"}` per product whose wanted quantity exceeds what is free (inactive: 0)."""
    shortages = []
    for pk in sorted(wanted):
        free = available.get(pk, 0) if products[pk].is_active else 0
        if wanted[pk] > free:
            shortages.append({"product": pk, "available": free})
    return shortages


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    return {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=set(product_ids)).order_by("pk")}


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


def _check_products(products: dict[int, Product], wanted: Iterable[int], errors: dict) -> None:
    for pk in wanted:
        product = products.get(pk)
        if product is None:
            errors.setdefault("non_field_errors", []).append(f"Product {pk} does not exist.")
        elif not product.is_active:
            errors.setdefault("non_field_errors", []).append(f"Product {pk} is not available.")


def _write_lines(cart: Cart, lines: dict[int, CartItem], final: dict[int, int]) -> Cart:
    """Make the cart's lines equal `final`, renew every reservation and touch the cart."""
    now = timezone.now()
    until = reservation_expiry(now)
    CartItem.objects.filter(pk__in=[item.pk for pk, item in lines.items() if pk not in final]).delete()
    for pk, qty in final.items():
        if pk in lines and lines[pk].quantity != qty:
            CartItem.objects.filter(pk=lines[pk].pk).update(quantity=qty, updated_at=now)
    CartItem.objects.bulk_create(
        CartItem(cart=cart, product_id=pk, quantity=qty, reserved_until=until)
        for pk, qty in final.items()
        if pk not in lines
    )
    CartItem.objects.filter(cart=cart).update(reserved_until=until)
    cart.expires_at = until if final else None
    cart.save(update_fields=["expires_at", "updated_at"])
    return cart


@transaction.atomic
def cart_apply_changes(*, cart: Cart, add=(), update=(), remove=()) -> Cart:
    """Apply add → update → remove (each op `{"product": id, "quantity": n}`, remove a list of ids) all or nothing.

    Stock is checked for lines that grow or are new, and for lines whose reservation had lapsed; every
    line's reservation is then renewed. Removing a product that is not in the cart is a no-op.
    """
    cart = _lock_cart(cart)
    lines = {item.product_id: item for item in cart.items.all()}
    final, errors = _planned_quantities({pk: i.quantity for pk, i in lines.items()}, add, update, remove)
    now = timezone.now()
    lapsed = {pk for pk, item in lines.items() if item.reserved_until is None or item.reserved_until <= now}
    to_check = {pk for pk, qty in final.items() if pk not in lines or qty > lines[pk].quantity or pk in lapsed}
    products = lock_products(to_check | {op["product"] for op in (*add, *update) if op["quantity"] > 0})
    _check_products(products, [op["product"] for op in (*add, *update) if op["quantity"] > 0], errors)
    if errors:
        raise InvalidInput(errors)
    available = available_stock(product_ids=to_check, exclude_cart=cart)
    shortages = stock_shortages({pk: final[pk] for pk in to_check}, products, available)
    if shortages:
        raise insufficient_stock(shortages)
    return _write_lines(cart, lines, final)


def cart_set_item_quantity(*, cart: Cart, product: Product, quantity: int) -> Cart:
    """Set one line to `quantity` (0 removes it), with the same checks as `cart_apply_changes`."""
    if quantity == 0:
        return cart_apply_changes(cart=cart, remove=[product.pk])
    if cart.items.filter(product=product).exists():
        return cart_apply_changes(cart=cart, update=[{"product": product.pk, "quantity": quantity}])
    return cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": quantity}])


@transaction.atomic
def cart_clear(*, cart: Cart) -> Cart:
    cart = _lock_cart(cart)
    cart.items.all().delete()
    cart.expires_at = None
    cart.save(update_fields=["expires_at", "updated_at"])
    return cart


@transaction.atomic
def cart_abandon(*, cart: Cart) -> Cart:
    """Open → abandoned; its reservations are released (abandoned carts never count, the dates are cleared too)."""
    cart = _lock_cart(cart)
    cart.items.update(reserved_until=None)
    cart.status = Cart.Status.ABANDONED
    cart.expires_at = None
    cart.save(update_fields=["status", "expires_at", "updated_at"])
    return cart


@transaction.atomic
def cart_delete(*, cart: Cart) -> None:
    """Delete a cart in any status; its lines and so their reservations go with it (a placed order keeps its copy)."""
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
    lock_products({*lines, *(item.product_id for item in guest_items)})
    available = available_excluding([item.product_id for item in guest_items], [guest_cart.pk, target.pk])
    merged = _merged_quantities({pk: item.quantity for pk, item in lines.items()}, guest_items, available)
    guest_cart.delete()
    return _write_lines(target, lines, merged)


def cart_abandon_stale(*, now: datetime | None = None) -> int:
    """Open carts untouched for CART_ABANDON_TTL_MINUTES become abandoned; returns how many.

    One conditional UPDATE decides: run from several machines at once, each cart is counted once, and a cart
    changed meanwhile (a newer `updated_at`, re-checked by PostgreSQL after the row lock) is left open.
    Abandoned carts never count as reservations; the dates are also cleared for the admin's sake.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=settings.CART_ABANDON_TTL_MINUTES)
    with transaction.atomic():
        stale = Cart.objects.filter(status=Cart.Status.OPEN, updated_at__lt=cutoff)
        count = stale.update(status=Cart.Status.ABANDONED, expires_at=None, updated_at=now)
        CartItem.objects.filter(cart__status=Cart.Status.ABANDONED, reserved_until__isnull=False).update(
            reserved_until=None
        )
    return count


def cart_release_expired_reservations(*, now: datetime | None = None) -> int:
    """Clear lapsed reservations (`reserved_until` and the cart's `expires_at` in the past); returns the lines.

    A lapsed reservation already counts for nothing; clearing it keeps the admin and the cart documents
    honest (null: holds no stock). Two conditional UPDATEs in autocommit, on purpose: each holds its row
    locks only while it runs, so it cannot deadlock with a cart change (which locks the cart, then its
    lines), and a line renewed meanwhile no longer matches (PostgreSQL re-checks the condition after the
    lock). Safe to run twice or on several machines at once.
    """
    now = now or timezone.now()
    Cart.objects.filter(expires_at__lte=now).update(expires_at=None)
    return CartItem.objects.filter(reserved_until__lte=now).update(reserved_until=None)
