"""What the audit log costs a product import: `python bench/audit_import.py [--db sqlite|postgres] [--rows 2000]`.

Imports the same kind of CSV (ProductResource.import_data, the admin's confirm step, in one transaction)
with the audit log switched off (`auditlog.context.disable_auditlog`) and on (`audit_context(source=import)`),
new rows and then an update of every row (new price and stock), alternating so that neither side gets a
warmer cache; prints seconds and queries per row. Runs on a throw-away database (a temporary SQLite file,
or test_<name> of --database-url on PostgreSQL).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADERS = ("sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/audit_bench")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    return parser.parse_args(argv)


def setup(args) -> None:
    os.environ.setdefault("DEBUG", "on")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='audit_bench')}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()
    from django.db import connection

    if args.db == "postgres":
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def dataset(prefix: str, rows: int, slugs: list[str], price_offset: int = 0):
    import tablib

    data = tablib.Dataset(headers=HEADERS)
    for n in range(rows):
        data.append(
            (f"{prefix}-{n}", f"{prefix.lower()}-{n}", f"Imported thing {n}", "From a spreadsheet.",
             f"{(n + price_offset) % 5000 + 1}.99", "", str((n + price_offset) % 300 + 1), "1",
             "|".join(slugs[n % len(slugs):][:2]))
        )  # fmt: skip
    return data


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(data, *, audited: bool, user) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds of this process (SQLite's work included) and queries."""
    from auditlog.context import disable_auditlog
    from django.db import connection

    from shop.backoffice.audit.context import audit_context
    from shop.catalog.resources import ProductResource

    scope = audit_context(source="import", actor=user) if audited else disable_auditlog()
    counter = QueryCounter()
    with scope, connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        result = ProductResource().import_data(data, dry_run=False, use_transactions=True, user=user)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not result.has_errors() and not result.has_validation_errors()
    return seconds, cpu, counter.count


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args)
    from django.db import connection

    try:
        report(args)
    finally:
        if args.db == "postgres":
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0


def report(args) -> None:
    from auditlog.models import LogEntry

    from shop.accounts.models import User
    from shop.catalog.models import Category

    user = User.objects.create_user("bench@example.com", None, is_staff=True)
    slugs = [Category.objects.create(name=f"C{i}", slug=f"c-{i}").slug for i in range(50)]
    totals = {}
    for round_number in range(args.rounds):
        for audited in (False, True) if round_number % 2 == 0 else (True, False):
            prefix = f"{'A' if audited else 'N'}{round_number}"
            for kind, offset in (("create", 0), ("update", 7)):
                measured = timed_import(dataset(prefix, args.rows, slugs, offset), audited=audited, user=user)
                totals.setdefault((kind, audited), []).append(measured)
    print(f"{args.db}, {args.rows} rows per import, best of {args.rounds}; audit entries: {LogEntry.objects.count()}")
    for kind in ("create", "update"):
        line = []
        for audited in (False, True):
            runs = totals[(kind, audited)]
            wall, cpu, queries = min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2] / args.rows
            line.append(
                f"{'with' if audited else 'without'} audit {wall:6.2f} s (cpu {cpu:6.2f} s, {queries:.1f} q/row)"
            )
        base, audit = (min(r[0] for r in totals[(kind, a)]) for a in (False, True))
        print(f"{kind:>6}: {' | '.join(line)} | wall {(audit / base - 1) * 100:+.0f}%")


if __name__ == "__main__":
    sys.exit(main())
