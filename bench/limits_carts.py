"""Limits of the write scenarios: cart PATCH add and checkout, as hand-written SQL without DRF or the ORM.

They do the same writes as the shop (upsert a line with a stock guard; for checkout: guarded stock
decrements, order, items, `sale` movements, history, cart closed) so the ratio measures the framework
and service layers, not skipped work. The caller is identified by the same JWT, decoded with PyJWT.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

import jwt
import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.limits import json_response, money

CENT = Decimal("0.01")

UPSERT_LINE = """
INSERT INTO carts_cartitem (cart_id, product_id, quantity, created_at, updated_at)
SELECT c.id, p.id, %s, %s, %s FROM carts_cart c
JOIN accounts_user u ON u.id = c.user_id AND u.is_active
JOIN catalog_product p ON p.id = %s AND p.is_active AND p.stock >= %s
WHERE c.id = %s AND c.user_id = %s AND c.status = 'open'
ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = carts_cartitem.quantity + excluded.quantity,
    updated_at = excluded.updated_at
"""
HOLD_LINE = """
INSERT INTO catalog_stockreservation (holder, product_id, quantity, expires_at, created_at)
SELECT %s, ci.product_id, CASE WHEN ci.quantity > %s THEN %s ELSE ci.quantity END, %s, %s
FROM carts_cartitem ci WHERE ci.cart_id = %s AND ci.product_id = %s
ON CONFLICT (holder, product_id) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at
"""
CART_WITH_LINES = """
SELECT c.id, c.user_id, c.status, c.created_at, c.updated_at, c.expires_at, ci.product_id, p.title, ci.quantity,
    p.price, p.slug
FROM carts_cart c LEFT JOIN carts_cartitem ci ON ci.cart_id = c.id LEFT JOIN catalog_product p ON p.id = ci.product_id
WHERE c.id = %s ORDER BY ci.id
"""
CHECKOUT_LINES = """
SELECT ci.product_id, ci.quantity, p.price, p.sku, p.title, p.slug FROM carts_cart c
JOIN carts_cartitem ci ON ci.cart_id = c.id JOIN catalog_product p ON p.id = ci.product_id
WHERE c.id = %s AND c.user_id = %s AND c.status = 'open' ORDER BY p.id
"""
TAKE_STOCK = "UPDATE catalog_product SET stock = stock - %s, updated_at = %s WHERE id = %s AND stock >= %s"
INSERT_ORDER = """
INSERT INTO orders_order (created_at, updated_at, number, user_id, cart_id, status, payment_status, currency,
    subtotal, discount, shipping, tax, total, tax_rate, tax_included, voucher_code, shipping_method_code,
    shipping_method_name, shipping_name, shipping_line1, shipping_line2, shipping_city, shipping_postcode,
    shipping_country, shipping_phone)
SELECT %s, %s, %s, u.id, %s, 'pending', 'unpaid', %s, %s, 0, 0, 0, %s, 0, FALSE, '', '', '',
    u.first_name || ' ' || u.last_name, COALESCE(a.line1, ''),
    COALESCE(a.line2, ''), COALESCE(a.city, ''), COALESCE(a.postcode, ''), COALESCE(a.country, ''), u.phone
FROM accounts_user u LEFT JOIN accounts_address a ON a.user_id = u.id AND a.is_default
WHERE u.id = %s RETURNING id
"""
INSERT_ITEM = (
    "INSERT INTO orders_orderitem (order_id, product_id, sku, title, options, unit_price, quantity, line_total) "
    "VALUES (%s, %s, %s, %s, '{}', %s, %s, %s)"
)
INSERT_MOVEMENT = (
    "INSERT INTO catalog_stockmovement (product_id, delta, reason, reference, user_id, created_at) "
    "VALUES (%s, %s, 'sale', %s, %s, %s)"
)
INSERT_HISTORY = (
    "INSERT INTO orders_orderstatuschange (order_id, from_status, to_status, changed_by_id, note, created_at) "
    "VALUES (%s, '', 'pending', %s, '', %s)"
)
CLOSE_CART = "UPDATE carts_cart SET status = 'ordered', expires_at = NULL, updated_at = %s WHERE id = %s"
RELEASE_LINES = "DELETE FROM catalog_stockreservation WHERE holder = %s"


class Refused(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def _caller(request) -> int:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Refused(401, "not authenticated")
    try:
        claims = jwt.decode(header[7:], settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=["HS256"])
    except jwt.PyJWTError:
        raise Refused(401, "bad token") from None
    return int(claims["user_id"])


def _decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _db_time(moment):
    return connection.ops.adapt_datetimefield_value(moment)


def cart_patch(request, pk: int):
    """PATCH /bench/carts/<id>/ {"add": [{"product", "quantity"}]} — upsert each line, answer the cart."""
    try:
        user_id = _caller(request)
        lines = orjson.loads(request.body)["add"]
        now = timezone.now()
        until, stamp = _db_time(now + timedelta(minutes=settings.CART_RESERVATION_TTL_MINUTES)), _db_time(now)
        cap = settings.CART_MAX_RESERVED_PER_LINE
        with transaction.atomic(), connection.cursor() as cursor:
            for line in lines:
                qty, product = int(line["quantity"]), int(line["product"])
                cursor.execute(UPSERT_LINE, [qty, stamp, stamp, product, qty, pk, user_id])
                if cursor.rowcount == 0:
                    raise Refused(409, "not available")
                cursor.execute(HOLD_LINE, [f"cart:{pk}", cap, cap, until, stamp, pk, product])
            cursor.execute(CART_WITH_LINES, [pk])
            rows = cursor.fetchall()
    except Refused as refused:
        return json_response({"detail": refused.detail}, status=refused.status)
    return json_response(_cart(rows))


def _line(r) -> dict:
    """A cart line; the benchmark's products are standalone, without uploaded images."""
    price, quantity = r[9], r[8]
    return {
        "product": r[6],
        "title": r[7],
        "slug": r[10],
        "thumbnail": None,
        "options": {},
        "quantity": quantity,
        "unit_price": money(price),
        "line_total": money(price * quantity),
    }


def _cart(rows) -> dict:
    first = rows[0]
    items = [_line(r) for r in rows if r[6] is not None]
    total = sum((_decimal(r[9]) * r[8] for r in rows if r[6] is not None), Decimal("0"))
    return {
        "id": first[0], "user": first[1], "status": first[2], "items": items, "currency": settings.SHOP_CURRENCY,
        "subtotal": money(total), "discount": "0.00", "total": money(total), "voucher": None, "voucher_problem": None,
        "item_count": sum(item["quantity"] for item in items),
        "created_at": first[3], "updated_at": first[4], "expires_at": first[5],
    }  # fmt: skip


def checkout(request, pk: int):
    """POST /bench/carts/<id>/checkout/ — lock lines (PostgreSQL), take stock, write the order; 201."""
    try:
        user_id = _caller(request)
        with transaction.atomic(), connection.cursor() as cursor:
            order = _place(cursor, pk, user_id)
    except Refused as refused:
        return json_response({"detail": refused.detail}, status=refused.status)
    return json_response(order, status=201)


def _place(cursor, cart_id: int, user_id: int) -> dict:
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(CHECKOUT_LINES + lock, [cart_id, user_id])
    lines = cursor.fetchall()
    if not lines:
        raise Refused(404, "no open cart with lines")
    now = timezone.now()
    stamp = _db_time(now)
    for product_id, qty, *_ in lines:
        cursor.execute(TAKE_STOCK, [qty, stamp, product_id, qty])
        if cursor.rowcount == 0:
            raise Refused(409, "insufficient stock")
    subtotal = sum((_decimal(price) * qty for _, qty, price, *_ in lines), Decimal("0"))
    number = f"SO-{now:%Y%m%d}-B{secrets.token_hex(4).upper()}"
    cursor.execute(INSERT_ORDER, [stamp, stamp, number, cart_id, settings.SHOP_CURRENCY, subtotal, subtotal, user_id])
    order_id = cursor.fetchone()[0]
    items = [
        (order_id, pid, sku, title, _decimal(price), qty, _decimal(price) * qty)
        for pid, qty, price, sku, title, _slug in lines
    ]
    slugs = [slug for *_, slug in lines]
    cursor.executemany(INSERT_ITEM, items)
    cursor.executemany(INSERT_MOVEMENT, [(pid, -qty, number, user_id, stamp) for pid, qty, *_ in lines])
    cursor.execute(INSERT_HISTORY, [order_id, user_id, stamp])
    cursor.execute(CLOSE_CART, [stamp, cart_id])
    cursor.execute(RELEASE_LINES, [f"cart:{cart_id}"])
    return {
        "id": order_id, "number": number, "user": user_id, "status": "pending",
        "items": [
            {"product": i[1], "sku": i[2], "title": i[3], "options": {}, "slug": slug, "thumbnail": None,
             "unit_price": money(i[4]), "quantity": i[5], "line_total": money(i[6])}
            for i, slug in zip(items, slugs, strict=True)
        ],
        "currency": settings.SHOP_CURRENCY, "subtotal": money(subtotal), "discount": "0.00", "shipping": "0.00",
        "tax": "0.00", "total": money(subtotal), "tax_rate": "0.0000", "tax_included": False, "voucher": None,
        "shipping_method": None, "created_at": now, "updated_at": now,
        "history": [{"status": "pending", "at": now, "by": user_id}],
    }  # fmt: skip
