"""Order reads shared by the API views, checkout and exports."""

from django.db.models import Prefetch, QuerySet

from shop.catalog.selectors import with_images
from shop.orders.models import Order, OrderItem, OrderStatusChange, Shipment


def order_queryset() -> QuerySet[Order]:
    """Orders with their lines (with their products' slugs and images), history and shipments: a page of order
    documents in a fixed number of queries."""
    items = with_images(OrderItem.objects.select_related("product").order_by("id"), prefix="product__")
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=items),
        Prefetch("history", queryset=OrderStatusChange.objects.order_by("created_at", "id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("shipped_at", "id")),
    )
