from django.db import migrations, models


def copy_variant_options(apps, schema_editor):
    """Lines of variants ordered before lines kept their options get their variant's options as they are now,
    the nearest record there is of what was ordered."""
    OrderItem = apps.get_model("orders", "OrderItem")
    ProductOption = apps.get_model("catalog", "ProductOption")
    ordered = OrderItem.objects.filter(product__isnull=False).values("product_id")
    rows = ProductOption.objects.filter(product_id__in=ordered).order_by(
        "product_id", "attribute__position", "attribute__name", "attribute_id"
    )
    options = {}
    for product_id, attribute, value in rows.values_list("product_id", "attribute__slug", "value__slug"):
        options.setdefault(product_id, {})[attribute] = value
    for product_id, values in options.items():
        OrderItem.objects.filter(product_id=product_id).update(options=values)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0012_invoice_numbers_for_paid_orders'),
        ('catalog', '0012_variants'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderitem',
            name='options',
            field=models.JSONField(blank=True, default=dict, help_text='A variant\'s options at checkout, {"size": "m"}; {} for other products.'),
        ),
        migrations.RunPython(copy_variant_options, migrations.RunPython.noop),
    ]
