"""Historic orders with items, status history, payments and the stock movements they caused.

Every order that went through `paid` was paid by one succeeded manual payment of its total at that time, and has
its invoice number; every order that went through `shipped` has a shipment (datagen/fulfilment.py).

Every line writes a `sale` movement at the order's time and every cancelled order a `cancel` movement
back; a line that would take more than the units left first writes a `restock` adjustment. At the end
each sold product's `stock` is set to the sum of its ledger, so `stock == sum(delta)` holds and stock
never goes below zero.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum

from shop.catalog.models import Product, StockMovement
from shop.devdata.datagen.base import SALES_SPAN, SALES_START, Progress, batch_transaction, chunked, insert, spread
from shop.devdata.datagen.catalog import CatalogState
from shop.devdata.datagen.fulfilment import fulfil_generated_orders
from shop.devdata.datagen.people import PeopleState
from shop.devdata.datagen.vouchers import VoucherState, count_voucher_uses
from shop.orders.models import Order, OrderItem, OrderStatusChange
from shop.payments.models import Payment
from shop.pricing.models import VoucherUse
from shop.pricing.selectors import shipping_methods_for, shipping_terms, tax_rate_for
from shop.pricing.totals import Line, ShippingTerms, order_totals

Status = Order.Status
Reason = StockMovement.Reason
PATHS = (
    ((Status.PENDING,), 8),
    ((Status.PENDING, Status.PAID), 12),
    ((Status.PENDING, Status.PAID, Status.SHIPPED), 15),
    ((Status.PENDING, Status.PAID, Status.SHIPPED, Status.DELIVERED), 55),
    ((Status.PENDING, Status.CANCELLED), 6),
    ((Status.PENDING, Status.PAID, Status.CANCELLED), 4),
)
STEP_OFFSETS = (timedelta(0), timedelta(hours=2), timedelta(days=1), timedelta(days=4))
RESTOCK_UNITS = 100
PICK_TRIES = 5


@dataclass
class OrderBatch:
    orders: list[Order] = field(default_factory=list)
    items: list[OrderItem] = field(default_factory=list)
    history: list[OrderStatusChange] = field(default_factory=list)
    movements: list[StockMovement] = field(default_factory=list)
    uses: list[VoucherUse] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)


@dataclass(frozen=True)
class Prices:
    """What generated orders are charged beyond their goods: the shop's first active shipping method (if any),
    its tax rate for the customers' country, and the generated vouchers."""

    vouchers: VoucherState
    shipping: ShippingTerms | None
    tax_rate: Decimal

    @classmethod
    def of_the_shop(cls, vouchers: VoucherState, country: str = "US") -> "Prices":
        methods = shipping_methods_for(country=country)
        return cls(vouchers, shipping_terms(methods[0]) if methods else None, tax_rate_for(country=country))


def create_orders(
    *,
    rng: random.Random,
    count: int,
    catalog: CatalogState,
    people: PeopleState,
    prices: Prices,
    batch_size: int,
    progress: Progress,
) -> None:
    """Per batch of orders, in one transaction: orders, items, history rows, stock movements and voucher uses.
    Each order is priced by the shop's pricing function (`order_totals`), so its parts add up as checkout's do."""
    if count and (not catalog.active or not people.ids):
        raise ValueError("orders need at least one active product and one user")
    for numbers in chunked(count, batch_size):
        batch = OrderBatch()
        for n in numbers:
            _add_order(batch, rng, n, count, catalog, people)
            _price(batch, rng, prices, n, count)
            _pay(batch)
        with batch_transaction():
            insert(Order, batch.orders, batch_size)
            insert(OrderItem, batch.items, batch_size)
            insert(OrderStatusChange, batch.history, batch_size)
            insert(StockMovement, batch.movements, batch_size)
            insert(VoucherUse, batch.uses, batch_size)
            insert(Payment, batch.payments, batch_size)
        progress.advance(len(batch.orders))
    if count:
        with batch_transaction():
            sync_stock_with_ledger()
            count_voucher_uses()
            fulfil_generated_orders(batch_size=batch_size)


def _price(batch: OrderBatch, rng: random.Random, prices: Prices, n: int, count: int) -> None:
    """Price the batch's last order, with a voucher for some (its use released when the order was cancelled)."""
    order = batch.orders[-1]
    lines = [Line(unit_price=item.unit_price, quantity=item.quantity) for item in batch.items if item.order is order]
    pick = prices.vouchers.pick(rng)
    terms = prices.vouchers.terms[pick] if pick is not None else None
    totals = order_totals(lines=lines, voucher=terms, shipping_method=prices.shipping, tax_rate=prices.tax_rate)
    order.subtotal, order.discount, order.shipping = totals.subtotal, totals.discount, totals.shipping
    order.tax, order.total, order.tax_rate = totals.tax, totals.total, totals.tax_rate
    if prices.shipping is not None:
        order.shipping_method_code, order.shipping_method_name = prices.shipping.code, prices.shipping.name
        order.shipping_method_price = prices.shipping.price
    if pick is not None:
        voucher = prices.vouchers.vouchers[pick]
        order.voucher, order.voucher_code = voucher, voucher.code
        released = order.updated_at if order.status == Status.CANCELLED else None
        batch.uses.append(
            VoucherUse(
                voucher=voucher, user_id=order.user_id, reference=order.number, discount=totals.discount,
                created_at=order.created_at, released_at=released,
            )
        )  # fmt: skip


def _add_order(batch: OrderBatch, rng: random.Random, n: int, count: int, catalog, people) -> None:
    who = rng.randrange(len(people.ids))
    user_id, placed = people.ids[who], spread(SALES_START, SALES_SPAN, n, count)
    path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
    times = [placed + offset for offset in STEP_OFFSETS[: len(path)]]
    order = Order(number=f"GEN-{n + 1:08d}", user_id=user_id, status=path[-1], created_at=placed, updated_at=times[-1])
    for key, value in people.shipping[who].items():
        setattr(order, key, value)
    subtotal = Decimal("0.00")
    for index, qty in _pick_lines(rng, catalog).items():
        subtotal += _add_line(batch, catalog, order, index, qty)
        if path[-1] == Status.CANCELLED:
            batch.movements.append(_movement(catalog, index, qty, Reason.CANCEL, order.number, times[-1], user_id))
    order.subtotal = order.total = subtotal
    batch.orders.append(order)
    batch.history += [
        OrderStatusChange(order=order, from_status=before, to_status=after, created_at=at)
        for before, after, at in zip(("", *path[:-1]), path, times, strict=True)
    ]


def _pay(batch: OrderBatch) -> None:
    """The batch's last order (priced), if it went through paid, was paid then by one manual payment of its total."""
    order = batch.orders[-1]
    paid_at = None
    for change in reversed(batch.history):
        if change.order is not order:
            break
        if change.to_status == Status.PAID:
            paid_at = change.created_at
    if paid_at is None:
        return
    order.payment_status = Order.PaymentStatus.PAID
    batch.payments.append(
        Payment(
            order=order, provider=Payment.Provider.MANUAL, status=Payment.Status.SUCCEEDED, amount=order.total,
            currency=order.currency, reference="generated", created_at=paid_at, updated_at=paid_at,
        )
    )  # fmt: skip


def _pick_lines(rng: random.Random, catalog: CatalogState) -> dict[int, int]:
    """One to five distinct products, each preferring (a few tries) one with enough units left."""
    lines: dict[int, int] = {}
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
        qty = rng.randint(1, 3)
        for _ in range(PICK_TRIES):
            index = rng.choice(catalog.active)
            if catalog.stock[index] >= qty:
                break
        lines.setdefault(index, qty)
    return lines


def _add_line(batch: OrderBatch, catalog: CatalogState, order: Order, index: int, qty: int) -> Decimal:
    placed = order.created_at
    if catalog.stock[index] < qty:
        batch.movements.append(
            _movement(catalog, index, RESTOCK_UNITS, Reason.ADJUSTMENT, "restock", placed - timedelta(seconds=1))
        )
        catalog.stock[index] += RESTOCK_UNITS
    catalog.stock[index] -= qty
    batch.movements.append(_movement(catalog, index, -qty, Reason.SALE, order.number, placed, order.user_id))
    price = catalog.prices[index]
    batch.items.append(
        OrderItem(
            order=order,
            product_id=catalog.ids[index],
            sku=catalog.skus[index],
            title=catalog.titles[index],
            unit_price=price,
            quantity=qty,
            line_total=price * qty,
        )
    )
    return price * qty


def _movement(catalog, index, delta, reason, reference, at, user_id=None) -> StockMovement:
    return StockMovement(
        product_id=catalog.ids[index], delta=delta, reason=reason, reference=reference, created_at=at, user_id=user_id
    )


def sync_stock_with_ledger() -> int:
    """Set `stock` to the sum of the ledger for every product that has sold something; returns rows changed."""
    ledger = (
        StockMovement.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(total=Sum("delta"))
        .values("total")
    )
    sold = StockMovement.objects.filter(reason=Reason.SALE).values("product_id")
    return Product.objects.filter(pk__in=sold).update(stock=Subquery(ledger))
