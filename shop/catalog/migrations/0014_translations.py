"""Content in several languages (django-modeltranslation, shop/catalog/translation.py): one column per content
language for product title and description, category name and description, attribute and value names. The
existing values move into the default language's column (LANGUAGE_CODE when this runs), and the search index
moves from `title`/`description` to the per-language columns (shop/catalog/search.py)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from shop.catalog import search

TRANSLATED = {
    "product": ("title", "description"),
    "category": ("name", "description"),
    "attribute": ("name",),
    "attributevalue": ("name",),
}


def copy_to_default_language(apps, schema_editor):
    language = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    for model, fields in TRANSLATED.items():
        apps.get_model("catalog", model).objects.update(**{f"{field}_{language}": F(field) for field in fields})


def copy_from_default_language(apps, schema_editor):
    language = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    for model, fields in TRANSLATED.items():
        queryset = apps.get_model("catalog", model).objects.exclude(**{f"{fields[0]}_{language}": None})
        queryset.update(**{field: F(f"{field}_{language}") for field in fields})


def index_languages(apps, schema_editor):
    search.drop_index(schema_editor, search.UNTRANSLATED_COLUMNS)
    search.create_index(schema_editor, search.COLUMNS)


def index_untranslated(apps, schema_editor):
    search.drop_index(schema_editor, search.COLUMNS)
    search.create_index(schema_editor, search.UNTRANSLATED_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_productimage"),
    ]

    operations = [
        migrations.AddField(
            model_name="attribute",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="attribute",
            name="name_tr",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="attributevalue",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="attributevalue",
            name="name_tr",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="description_tr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="name_tr",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="description_tr",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="title_en",
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="title_tr",
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddIndex(
            model_name="category",
            index=models.Index(fields=["name_en"], name="category_name_idx-en"),
        ),
        migrations.AddIndex(
            model_name="category",
            index=models.Index(fields=["name_tr"], name="category_name_idx-tr"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["title_en"], name="product_title_idx-en"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["title_tr"], name="product_title_idx-tr"),
        ),
        migrations.RunPython(copy_to_default_language, copy_from_default_language, elidable=False),
        migrations.RunPython(index_languages, index_untranslated, elidable=False),
    ]
