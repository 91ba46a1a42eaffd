from django.db import migrations
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce


def record_delivered_purchases(apps, schema_editor):
    """What `order_set_status` records from now on, for the orders delivered before: each customer's received
    products (a variant's under its parent, where products have parents), and their reviews become verified."""
    OrderItem = apps.get_model("orders", "OrderItem")
    Product = apps.get_model("catalog", "Product")
    Purchase = apps.get_model("catalog", "Purchase")
    Review = apps.get_model("catalog", "Review")
    has_parents = any(field.name == "parent" for field in Product._meta.get_fields())
    target = Coalesce("product__parent_id", "product_id") if has_parents else F("product_id")
    pairs = (
        OrderItem.objects.filter(order__status="delivered", product__isnull=False)
        .annotate(target=target)
        .values_list("order__user_id", "target")
        .distinct()
    )
    pairs = sorted(set(pairs))
    Purchase.objects.bulk_create(
        [Purchase(user_id=user_id, product_id=product_id) for user_id, product_id in pairs],
        ignore_conflicts=True,
        batch_size=1000,
    )
    received = Purchase.objects.filter(user_id=OuterRef("user_id"), product_id=OuterRef("product_id"))
    Review.objects.filter(Exists(received)).update(verified_purchase=True)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0005_order_change_status_permission'),
        ('catalog', '0008_purchase'),
    ]

    operations = [
        migrations.RunPython(record_delivered_purchases, migrations.RunPython.noop),
    ]
