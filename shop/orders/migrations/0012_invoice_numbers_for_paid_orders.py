from django.db import migrations
from django.db.models import Min


def number_paid_orders(apps, schema_editor):
    """The orders paid before invoice numbers existed get theirs, in the order they were paid, per year of payment
    (an order counts as paid once its history entered `paid`, also if it was later cancelled)."""
    Order = apps.get_model("orders", "Order")
    InvoiceSequence = apps.get_model("orders", "InvoiceSequence")
    paid = (
        Order.objects.filter(invoice_number__isnull=True, history__to_status="paid")
        .annotate(paid_at=Min("history__created_at"))
        .order_by("paid_at", "id")
    )
    counters = {row.year: row for row in InvoiceSequence.objects.all()}
    for order in paid.iterator(chunk_size=1000):
        year = order.paid_at.year
        counter = counters.setdefault(year, InvoiceSequence(year=year, last_number=0))
        counter.last_number += 1
        order.invoice_number = f"INV-{year}-{counter.last_number:06d}"
        order.invoiced_at = order.paid_at
        order.save(update_fields=["invoice_number", "invoiced_at"])
    for counter in counters.values():
        counter.save()


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_fulfilment")]

    operations = [migrations.RunPython(number_paid_orders, migrations.RunPython.noop)]
