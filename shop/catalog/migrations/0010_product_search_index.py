from django.db import migrations

from shop.catalog import search


def create(apps, schema_editor):
    search.create_index(schema_editor)


def drop(apps, schema_editor):
    search.drop_index(schema_editor)


class Migration(migrations.Migration):
    """The product search index (shop/catalog/search.py): pg_trgm GIN indexes on PostgreSQL, an FTS5 trigram
    table with triggers on SQLite."""

    dependencies = [("catalog", "0009_wishlistitem")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
