from django.conf import settings
from django.db import migrations

BATCH = 1000


def record_payments_of_paid_orders(apps, schema_editor):
    """Orders paid before payments were recorded get one succeeded manual payment of their total, so that what
    was paid (and so what can be refunded) is known for every order."""
    Order = apps.get_model("orders", "Order")
    Payment = apps.get_model("payments", "Payment")
    orders = Order.objects.filter(payment_status="paid", payments__isnull=True).order_by("pk")
    batch = []
    for order in orders.iterator(chunk_size=BATCH):
        currency = order.currency or settings.SHOP_CURRENCY
        batch.append(
            Payment(
                order=order, provider="manual", status="succeeded", amount=order.total, currency=currency,
                reference="recorded before payments",
            )
        )
        if len(batch) >= BATCH:
            Payment.objects.bulk_create(batch)
            batch = []
    Payment.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(record_payments_of_paid_orders, migrations.RunPython.noop),
    ]
