"""A shipping method's name in several languages (django-modeltranslation, shop/pricing/translation.py); the
existing names move into the default language's column."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def copy_to_default_language(apps, schema_editor):
    column = f"name_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    apps.get_model("pricing", "shippingmethod").objects.update(**{column: F("name")})


def copy_from_default_language(apps, schema_editor):
    column = f"name_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    apps.get_model("pricing", "shippingmethod").objects.exclude(**{column: None}).update(name=F(column))


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="shippingmethod",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="shippingmethod",
            name="name_tr",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.RunPython(copy_to_default_language, copy_from_default_language, elidable=False),
    ]
