# Data only, in a migration of its own: PostgreSQL cannot alter a table (an index, a constraint) in the
# transaction that updated its rows.

from django.conf import settings
from django.db import migrations
from django.db.models import F


def earlier_orders_add_up(apps, schema_editor):
    """Earlier orders get the shop's currency, and any difference between their total and their subtotal
    becomes the part that explains it (a discount, or shipping), so `total = subtotal - discount + shipping
    + tax` holds for them without changing what they charged."""
    Order = apps.get_model("orders", "Order")
    Order.objects.update(currency=settings.SHOP_CURRENCY)
    Order.objects.filter(total__lt=F("subtotal")).update(discount=F("subtotal") - F("total"))
    Order.objects.filter(total__gt=F("subtotal")).update(shipping=F("total") - F("subtotal"))


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0007_order_money_parts"),
    ]

    operations = [
        migrations.RunPython(earlier_orders_add_up, migrations.RunPython.noop),
    ]
