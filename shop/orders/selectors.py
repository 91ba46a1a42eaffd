"""Order reads shared by the API views, checkout and exports."""

from django.db.models import Prefetch, QuerySet

from shop.orders.models import Order, OrderItem, OrderStatusChange, Shipment


def order_queryset() -> QuerySet[Order]:
    """Orders with their lines, history and shipments: a page of order documents in a fixed number of queries."""
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id")),
        Prefetch("history", queryset=OrderStatusChange.objects.order_by("created_at", "id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("shipped_at", "id")),
    )
