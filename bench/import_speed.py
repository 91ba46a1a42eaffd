"""How fast a product import is, against a plain bulk_create of the same rows:
`python bench/import_speed.py [--db sqlite|postgres] [--rows 10000] [--profile]`.

Runs the admin's two steps on a CSV of new products (preview: `import_data(dry_run=True)`, confirm:
`dry_run=False`), then both steps again on an update of every row (new price and stock), with the audit log
on as in the admin (`audit_context(source=import)`), and a `bulk_create` of the same rows (products,
category links, one movement each: bench/harness/inprocess.py). Prints seconds, queries per row and the
ratio to bulk_create. `--profile` prints the 25 most expensive functions of the confirm step (cProfile).
Runs on a throw-away database (a temporary SQLite file, or test_<name> of --database-url on PostgreSQL).
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.audit_import import QueryCounter, dataset, setup  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/import_bench")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args(argv)


def timed(data, *, user, dry_run: bool, profile: bool = False) -> tuple[float, int]:
    from auditlog.context import disable_auditlog
    from django.db import connection

    from shop.backoffice.audit.context import audit_context
    from shop.catalog.resources import ProductResource

    counter, profiler = QueryCounter(), cProfile.Profile() if profile else None
    audit = disable_auditlog() if dry_run else audit_context(source="import", actor=user)  # as in the admin
    with audit, connection.execute_wrapper(counter):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = ProductResource().import_data(
            data, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, user=user,
            file_name="bench.csv",
        )  # fmt: skip
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        from shop.core.importexport import describe_errors

        raise SystemExit(f"import failed: {describe_errors(result, 5)}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return seconds, counter.count


def bulk_seconds(rows: int, slugs: list[str]) -> float:
    from bench.harness.inprocess import _bulk_create_rows, _csv_rows

    return _bulk_create_rows(_csv_rows("BLK", slugs, rows))


def report(args) -> None:
    from shop.accounts.models import User
    from shop.catalog.models import Category, Product, StockMovement

    user = User.objects.create_user("bench@example.com", None, is_staff=True)
    slugs = [Category.objects.create(name=f"C{i}", slug=f"c-{i}").slug for i in range(50)]
    base = bulk_seconds(args.rows, slugs)
    print(f"{args.db}, {args.rows:,} product rows; bulk_create of the same rows: {base:.2f} s")
    for kind, offset in (("create", 0), ("update", 7)):
        data = dataset("IMP", args.rows, slugs, offset)
        for step, dry_run in (("preview", True), ("confirm", False)):
            seconds, queries = timed(data, user=user, dry_run=dry_run, profile=args.profile and not dry_run)
            print(
                f"{kind:>6} {step:>7}: {seconds:7.2f} s, {queries / args.rows:5.2f} queries a row, "
                f"{seconds / base:5.1f} x bulk_create"
            )
    imported = Product.objects.filter(sku__startswith="IMP-")
    movements = StockMovement.objects.filter(product__in=imported).count()
    print(f"products {imported.count():,}, their movements {movements:,}")


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


if __name__ == "__main__":
    sys.exit(main())
