# The order keeps a snapshot of what it cost: currency, discount, shipping, tax (with its rate and whether the
# prices held it), the voucher and the shipping method. Orders placed before are completed by 0008.

import django.db.models.deletion
from decimal import Decimal

from django.conf import settings
from django.db import migrations, models

import shop.core.money


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0006_record_delivered_purchases"),
        ("pricing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='currency',
            field=models.CharField(default=shop.core.money.shop_currency, help_text="ISO 4217, the shop's at checkout.", max_length=3),
        ),
        migrations.AddField(
            model_name='order',
            name='discount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12),
        ),
        migrations.AddField(
            model_name='order',
            name='shipping',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), help_text='What the customer pays for it.', max_digits=12),
        ),
        migrations.AddField(
            model_name='order',
            name='shipping_method_code',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='order',
            name='shipping_method_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='order',
            name='shipping_method_price',
            field=models.DecimalField(blank=True, decimal_places=2, help_text="The method's price (the shipping may be less: free over...).", max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='tax',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12),
        ),
        migrations.AddField(
            model_name='order',
            name='tax_included',
            field=models.BooleanField(default=False, help_text='Prices held the tax (PRICES_INCLUDE_TAX): the total does not add it.'),
        ),
        migrations.AddField(
            model_name='order',
            name='tax_rate',
            field=models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=5),
        ),
        migrations.AddField(
            model_name='order',
            name='voucher',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='pricing.voucher'),
        ),
        migrations.AddField(
            model_name='order',
            name='voucher_code',
            field=models.CharField(blank=True, max_length=50),
        ),
    ]
