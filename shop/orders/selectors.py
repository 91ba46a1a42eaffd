"""Order reads shared by the API views, checkout and exports."""

from django.db.models import Prefetch, QuerySet

from shop.catalog.selectors import with_line_products
from shop.orders.models import Order, OrderItem, OrderStatusChange, Shipment


def order_queryset() -> QuerySet[Order]:
    """Orders with their lines (with their products' slugs and images, a variant's parent's images too), history
    and shipments: a page of order documents in a fixed number of queries. A line's options are its own copy."""
    items = with_line_products(
        OrderItem.objects.select_related("product").order_by("id"), categories=False, options=False
    )
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=items),
        Prefetch("history", queryset=OrderStatusChange.objects.order_by("created_at", "id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("shipped_at", "id")),
    )
