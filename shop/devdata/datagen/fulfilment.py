"""The paperwork of generated orders: the invoice number of each that went through paid and one shipment for each
that went through shipped, as the services would have given them at the time."""

from django.db.models import Min

from shop.devdata.datagen.base import insert
from shop.orders.invoices import INVOICE_NUMBER_FORMAT
from shop.orders.models import InvoiceSequence, Order, Shipment

CARRIERS = ("DHL", "UPS", "FedEx", "USPS")


def fulfil_generated_orders(*, batch_size: int) -> None:
    """Invoice numbers in the order the orders were paid, per year, continuing the shop's counters (so they stay
    gapless); a shipment dated when each shipped order entered `shipped`."""
    counters = {row.year: row for row in InvoiceSequence.objects.all()}
    paid = _entered("paid").filter(invoice_number__isnull=True)
    numbered = []
    for order in paid.only("pk").iterator(chunk_size=batch_size):
        counter = counters.setdefault(order.entered_at.year, InvoiceSequence(year=order.entered_at.year))
        counter.last_number += 1
        order.invoice_number = INVOICE_NUMBER_FORMAT.format(year=counter.year, number=counter.last_number)
        order.invoiced_at = order.entered_at
        numbered.append(order)
    Order.objects.bulk_update(numbered, ["invoice_number", "invoiced_at"], batch_size=batch_size)
    for counter in counters.values():
        counter.save()
    shipped = _entered("shipped").filter(shipments__isnull=True).only("pk", "number")
    insert(Shipment, [_shipment(order) for order in shipped.iterator(chunk_size=batch_size)], batch_size)


def _entered(status: str):
    return (
        Order.objects.filter(history__to_status=status)
        .annotate(entered_at=Min("history__created_at"))
        .order_by("entered_at", "pk")
    )


def _shipment(order: Order) -> Shipment:
    carrier = CARRIERS[order.pk % len(CARRIERS)]
    return Shipment(order=order, carrier=carrier, tracking_number=f"{order.number}-1", shipped_at=order.entered_at)
