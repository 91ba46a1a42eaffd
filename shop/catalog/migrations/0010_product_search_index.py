from django.db import migrations

from shop.catalog import search


def create(apps, schema_editor):
    search.create_index(schema_editor, search.UNTRANSLATED_COLUMNS)


def drop(apps, schema_editor):
    search.drop_index(schema_editor, search.UNTRANSLATED_COLUMNS)


class Migration(migrations.Migration):
    """The product search index (shop/catalog/search.py): pg_trgm GIN indexes on PostgreSQL, an FTS5 trigram
    table with triggers on SQLite, over the columns of the time (0014 moves it to the per-language columns)."""

    dependencies = [("catalog", "0009_wishlistitem")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
