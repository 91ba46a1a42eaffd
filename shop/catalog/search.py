"""The product search index: every search term must occur, case-insensitively, in a product's title,
description or sku (DRF's `icontains` semantics), answered from an index on both databases.

* PostgreSQL: pg_trgm GIN indexes on `UPPER(title)`, `UPPER(description)` and `UPPER(sku)`, the very
  expressions Django's `icontains` compares, so the ORM's own query uses them.
* SQLite: an FTS5 table with the trigram tokenizer over the same three columns, an external-content table
  kept in step with `catalog_product` by triggers. A term of three characters or more is a quoted FTS phrase
  (a substring match, case-insensitive); shorter terms cannot be trigram-matched and use `LIKE`.

Django rebuilds a SQLite table to alter it (a later migration adding a column to products), which drops the
triggers; `ensure_index` runs after every `migrate` and puts them back, rebuilding the index when it had to.
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

TABLE = "catalog_product"
FTS_TABLE = "catalog_product_search"
FIELDS = ("title", "description", "sku")
TRIGRAM = 3  # the trigram tokenizer cannot match a shorter phrase

POSTGRES_INDEXES = {f"product_{field}_trgm_idx": field for field in FIELDS}

_FTS_COLUMNS = ", ".join(FIELDS)
_NEW = ", ".join(f"new.{field}" for field in FIELDS)
_OLD = ", ".join(f"old.{field}" for field in FIELDS)
# The SQL below is built from the constants above only (never from input), hence the S608/S611 exemptions.
_FTS_DELETE = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});"  # noqa: S608
_FTS_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});"  # noqa: S608
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} BEGIN {_FTS_INSERT} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} BEGIN {_FTS_DELETE} END",
    f"{FTS_TABLE}_update": f"AFTER UPDATE OF {_FTS_COLUMNS} ON {TABLE} BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
}


def matches(term: str) -> Q:
    """The condition "`term` occurs in the title, description or sku", case-insensitively."""
    if connection.vendor == "sqlite" and len(term) >= TRIGRAM:
        phrase = '"' + term.replace('"', '""') + '"'
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(match, [phrase]))  # noqa: S611
    condition = Q()
    for field in FIELDS:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def create_index(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, field in POSTGRES_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING gin ((UPPER({field}::text)) gin_trgm_ops)"
            )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_FTS_COLUMNS}, "
            f"content='{TABLE}', content_rowid='id', tokenize='trigram')"
        )
        with schema_editor.connection.cursor() as cursor:
            _ensure_sqlite_triggers(cursor)


def drop_index(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRES_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_index(using: str = "default", **kwargs) -> None:
    """After `migrate` (post_migrate): on SQLite, put back triggers that a table rebuild dropped."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        if FTS_TABLE in target.introspection.table_names(cursor):
            _ensure_sqlite_triggers(cursor)


def _ensure_sqlite_triggers(cursor) -> None:
    """Create the missing triggers; if any was missing, the index may have missed writes: rebuild it."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
    present = {row[0] for row in cursor.fetchall()}
    missing = [name for name in SQLITE_TRIGGERS if name not in present]
    for name in missing:
        cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
    if missing:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
