"""The numbers of the admin dashboard. Each block is one aggregated query (six in all), whatever
the size of the tables, reading only the rows it counts (orders of the last 30 days, products low on
stock) through indexes; revenue counts every order that is not cancelled."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from shop.carts.models import Cart
from shop.catalog.models import Product, Review
from shop.orders.models import Order

CHART_DAYS = 30
CHART_WIDTH, CHART_HEIGHT, CHART_GAP = 600, 120, 2
LATEST_ORDERS = 8


def _day_start(days_ago: int):
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago)


def sales_numbers() -> list[dict]:
    """Orders and revenue today, last 7 days and last 30 days: one query."""
    periods = (("Today", 0), ("Last 7 days", 6), ("Last 30 days", 29))
    aggregates = {}
    for index, (_, days) in enumerate(periods):
        recent = Q(created_at__gte=_day_start(days))
        aggregates[f"orders_{index}"] = Count("id", filter=recent)
        aggregates[f"revenue_{index}"] = Sum("total", filter=recent)
    widest = Q(created_at__gte=_day_start(max(days for _, days in periods)))  # older orders count nowhere
    row = Order.objects.exclude(status=Order.Status.CANCELLED).filter(widest).aggregate(**aggregates)
    return [
        {"label": label, "orders": row[f"orders_{i}"], "revenue": row[f"revenue_{i}"] or Decimal("0.00")}
        for i, (label, _) in enumerate(periods)
    ]


def cart_numbers() -> dict:
    return Cart.objects.aggregate(
        open=Count("id", filter=Q(status=Cart.Status.OPEN)),
        abandoned=Count("id", filter=Q(status=Cart.Status.ABANDONED)),
    )


def stock_numbers() -> dict:
    """Active products out of stock and low on stock (1..threshold), with links to the filtered list."""
    threshold = settings.LOW_STOCK_THRESHOLD
    row = Product.objects.filter(is_active=True, stock__lte=threshold).aggregate(  # an index range, not every product
        out=Count("id", filter=Q(stock=0)),
        low=Count("id", filter=Q(stock__gt=0, stock__lte=threshold)),
    )
    url = reverse("admin:catalog_product_changelist")
    return {
        **row,
        "threshold": threshold,
        "out_url": f"{url}?is_active__exact=1&stock_level=out",
        "low_url": f"{url}?is_active__exact=1&stock_level=low",
    }


def review_numbers() -> dict:
    """Reviews waiting for moderation, with a link to them in the review list."""
    url = reverse("admin:catalog_review_changelist")
    pending = Review.objects.filter(status=Review.Status.PENDING).count()
    return {"pending": pending, "url": f"{url}?status__exact={Review.Status.PENDING}"}


def latest_orders() -> list[Order]:
    return list(Order.objects.select_related("user").order_by("-created_at", "-id")[:LATEST_ORDERS])


def sales_chart(days: int = CHART_DAYS) -> dict:
    """Revenue per day for the last `days` days as SVG bar geometry (rendered by the template)."""
    start = _day_start(days - 1)
    per_day = dict(
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(revenue=Sum("total"))
        .values_list("day", "revenue")
    )
    dates = [(start + timedelta(days=i)).date() for i in range(days)]
    peak = max(per_day.values(), default=Decimal("0")) or Decimal("1")
    slot = CHART_WIDTH / days
    bars = []
    for i, day in enumerate(dates):
        revenue = per_day.get(day) or Decimal("0")
        height = round(float(revenue / peak) * (CHART_HEIGHT - 10), 1)
        bars.append(
            {
                "x": round(i * slot, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "height": height,
                "width": round(slot - CHART_GAP, 1),
                "day": day,
                "revenue": revenue,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": peak if per_day else Decimal("0")}


def dashboard_context(user) -> dict:
    """Only the blocks the user's role may see (and only their queries run)."""
    context = {}
    if user.has_perm("orders.view_order"):
        context.update(sales=sales_numbers(), latest_orders=latest_orders(), chart=sales_chart())
    if user.has_perm("carts.view_cart"):
        context["carts"] = cart_numbers()
    if user.has_perm("catalog.view_product"):
        context["stock"] = stock_numbers()
    if user.has_perm("catalog.view_review"):
        context["reviews"] = review_numbers()
    return context
