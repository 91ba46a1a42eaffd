from django.db import migrations, models


def paid_orders_stay_paid(apps, schema_editor):
    """Orders that went through `paid` before payments were recorded: their money arrived (a manual payment
    of the total is recorded for each by the payments app's migration)."""
    Order = apps.get_model("orders", "Order")
    OrderStatusChange = apps.get_model("orders", "OrderStatusChange")
    went_paid = OrderStatusChange.objects.filter(to_status="paid").values("order_id")
    Order.objects.filter(models.Q(pk__in=went_paid) | models.Q(status__in=["paid", "shipped", "delivered"])).update(
        payment_status="paid"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0009_order_total_adds_up'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='payment_status',
            field=models.CharField(choices=[('unpaid', 'Unpaid'), ('paid', 'Paid'), ('partially_refunded', 'Partially refunded'), ('refunded', 'Refunded')], default='unpaid', help_text='Kept by the payments services: paid once succeeded payments cover the total.', max_length=20),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(fields=['payment_status', 'created_at'], name='order_payment_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('payment_status__in', ['unpaid', 'paid', 'partially_refunded', 'refunded'])), name='order_payment_status_valid'),
        ),
        migrations.RunPython(paid_orders_stay_paid, migrations.RunPython.noop),
    ]
