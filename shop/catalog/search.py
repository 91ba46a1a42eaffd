"""The product search index: every search term must occur, case-insensitively, in a product's title,
description or sku (DRF's `icontains` semantics) in the requested language or the default one, answered from
an index on both databases.

Title and description have one column per content language (django-modeltranslation: `title_en`, `title_tr`;
shop/catalog/translation.py), so the index covers those columns, not the original `title`:

* PostgreSQL: pg_trgm GIN indexes on `UPPER(title_en)`, `UPPER(title_tr)`, ..., `UPPER(sku)`, the very
  expressions Django's `icontains` compares, so the ORM's own query uses them.
* SQLite: an FTS5 table with the trigram tokenizer over the same columns, an external-content table kept in
  step with `catalog_product` by triggers. A term of three characters or more is a quoted FTS phrase limited
  to the wanted columns (a substring match, case-insensitive); shorter terms cannot be trigram-matched and
  use `LIKE`.

Django rebuilds a SQLite table to alter it (a later migration adding a column to products), which drops the
triggers; `ensure_index` runs after every `migrate` and puts them back, rebuilding the index when it had to.
"""

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from modeltranslation.utils import get_language

from shop.core.i18n import default_language, localized

TABLE = "catalog_product"
FTS_TABLE = "catalog_product_search"
FIELDS = ("title", "description", "sku")  # what a search matches
TRANSLATED = ("title", "description")
#: The indexed columns: each translated field in every content language, then sku.
COLUMNS = (*(localized(field, lang) for field in TRANSLATED for lang in settings.CONTENT_LANGUAGES), "sku")
#: The columns migration 0010 indexed, before the content had languages (0014 replaces them).
UNTRANSLATED_COLUMNS = FIELDS
TRIGRAM = 3  # the trigram tokenizer cannot match a shorter phrase


def columns(language: str | None = None) -> list[str]:
    """The columns a search in `language` (default: the active one) looks at: its own and the default
    language's, and sku."""
    languages = dict.fromkeys([language or get_language(), default_language()])
    return [localized(field, lang) for field in TRANSLATED for lang in languages] + ["sku"]


def matches(term: str, language: str | None = None) -> Q:
    """The condition "`term` occurs in the title, description or sku" (in `language` or the default one)."""
    wanted = columns(language)
    if connection.vendor == "sqlite" and len(term) >= TRIGRAM:
        phrase = "{" + " ".join(wanted) + '} : "' + term.replace('"', '""') + '"'
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(match, [phrase]))  # noqa: S611
    condition = Q()
    for column in wanted:
        condition |= Q(**{f"{column}__icontains": term})
    return condition


def postgres_indexes(fields=COLUMNS) -> dict[str, str]:
    return {f"product_{field}_trgm_idx": field for field in fields}


def sqlite_triggers(fields=COLUMNS) -> dict[str, str]:
    names = ", ".join(fields)
    new, old = ", ".join(f"new.{f}" for f in fields), ", ".join(f"old.{f}" for f in fields)
    # The SQL is built from the constants above only (never from input), hence the S608 exemptions.
    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    return {
        f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} BEGIN {insert} END",
        f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} BEGIN {delete} END",
        f"{FTS_TABLE}_update": f"AFTER UPDATE OF {names} ON {TABLE} BEGIN {delete} {insert} END",
    }


def create_index(schema_editor, fields=COLUMNS) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, field in postgres_indexes(fields).items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING gin ((UPPER({field}::text)) gin_trgm_ops)"
            )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(fields)}, "
            f"content='{TABLE}', content_rowid='id', tokenize='trigram')"
        )
        with schema_editor.connection.cursor() as cursor:
            _ensure_sqlite_triggers(cursor, fields)


def drop_index(schema_editor, fields=COLUMNS) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in postgres_indexes(fields):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif schema_editor.connection.vendor == "sqlite":
        for name in sqlite_triggers(fields):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_index(using: str = "default", **kwargs) -> None:
    """After `migrate` (post_migrate): on SQLite, put back triggers that a table rebuild dropped."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        if FTS_TABLE not in target.introspection.table_names(cursor):
            return
        present = {column.name for column in target.introspection.get_table_description(cursor, TABLE)}
        # Migrated back below 0014, the index is the untranslated one.
        _ensure_sqlite_triggers(cursor, COLUMNS if set(COLUMNS) <= present else UNTRANSLATED_COLUMNS)


def _ensure_sqlite_triggers(cursor, fields) -> None:
    """Create the missing triggers; if any was missing, the index may have missed writes: rebuild it."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
    present = {row[0] for row in cursor.fetchall()}
    triggers = sqlite_triggers(fields)
    missing = [name for name in triggers if name not in present]
    for name in missing:
        cursor.execute(f"CREATE TRIGGER {name} {triggers[name]}")
    if missing:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
