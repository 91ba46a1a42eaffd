"""Two web instances, a worker and beat on one PostgreSQL and one Redis behave as one shop:
`python bench/two_instances.py [--customers 60] [--racers 2] [--reads 200] [--no-results] [--keep]`.

Starts on this machine: a fresh PostgreSQL database (default postgres://postgres@127.0.0.1:5432/h_ops_two),
migrated and filled by generate_data (a small set), Redis database 5 flushed; two gunicorn instances on
different ports with the production settings (shop.settings, DEBUG off, HTTPS off, one SECRET_KEY), a Celery
worker and beat, all on that database and that Redis; media in one MEDIA_ROOT directory both instances share
(bench/two_instances_setup.py says why not S3). Then mixed load across both (bench/two_instances_load.py) and
the invariants (bench/two_instances_checks.py): stock = ledger, orders = checkout 201s (an Idempotency-Key's
replays once), no oversell, no 5xx, the login lock-out and the throttle shared, a token and an admin session
valid on both, an image uploaded on one served by the other, imports previewed on one and confirmed on the
other (in the request, and as a worker's job). Prints PASS/FAIL per check, writes the "Two instances" section
of bench/RESULTS.md, tears everything down (processes, Redis database, PostgreSQL database unless --keep) and
exits 1 on any failure.
"""

import argparse
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import two_instances_checks as checks  # noqa: E402
from bench.harness.database import drop, recreate  # noqa: E402
from bench.two_instances_setup import (  # noqa: E402
    AUTH_RATE,
    IMPORT_SYNC_MAX_ROWS,
    LOGIN_FAILURE_LIMIT,
    cluster,
    cluster_environment,
    flush_redis,
)  # fmt: skip

SIZES = {"products": 60, "categories": 5, "users": 50, "carts": 50, "orders": 50}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_ops_two"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
LOGINS = 20  # customers who log in over HTTP (the rest get a token in-process)
JOB_ROWS, SYNC_ROWS = 3 * IMPORT_SYNC_MAX_ROWS, IMPORT_SYNC_MAX_ROWS // 2


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=60, help="customers who fill a cart and check out")
    parser.add_argument("--racers", type=int, default=2, help="copies of each checkout sent at once (a, b, a, ...)")
    parser.add_argument("--reads", type=int, default=200, help="anonymous reads")
    parser.add_argument("--adjustments", type=int, default=30, help="staff stock changes")
    parser.add_argument("--threads", type=int, default=12, help="clients at once")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL database, dropped and recreated")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="Redis database, flushed before and after")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "two_instances", help="logs, media")
    parser.add_argument("--no-results", action="store_true", help="do not update bench/RESULTS.md")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = args.workdir
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = cluster_environment(url=args.database_url, redis_url=args.redis_url, workdir=workdir)
    recreate(args.database_url)
    flush_redis(args.redis_url)
    os.environ.update(env)
    try:
        return run(args, env, workdir)
    finally:
        teardown(args)


def run(args, env: dict, workdir: Path) -> int:
    import django

    django.setup()
    import logging

    from django.utils import timezone

    from bench.harness.database import build
    from bench.two_instances_data import prepare

    build(sizes=SIZES, seed=args.seed, workdir=workdir, reuse=False, db="two")
    prepared = prepare(customers=args.customers, tag=str(int(time.time())))
    logging.disable(logging.INFO)
    started_at, began = timezone.now(), time.monotonic()
    with cluster(env=env, workdir=workdir) as ports:
        print(f"instances a :{ports['a']} and b :{ports['b']}, worker and beat up; load ...", flush=True)
        load, errors = drive(args, ports, prepared)
    elapsed = time.monotonic() - began
    results = verify(load, prepared, started_at, workdir, errors)
    return report(args, load, results, elapsed)


def drive(args, ports: dict, prepared):
    """Staff log in first; then, from `threads` clients at once, customers fill their carts while the other
    scenarios run, and once every cart is full all check out at once (more carts hold a scarce product than
    there are units). Returns the load and the scenarios that raised."""
    from bench.two_instances_load import Load

    load = Load(ports=ports, prepared=prepared, seed=args.seed)
    staff_token = load.staff_token()
    admin = load.admin_login("a")
    customers = prepared.customers
    with ThreadPoolExecutor(args.threads) as pool, ThreadPoolExecutor(args.threads * args.racers) as racing:
        futures = {f"reads {n}": pool.submit(load.browse, args.reads // 4) for n in range(4)}
        futures["stock"] = pool.submit(load.adjust_stock, staff_token, args.adjustments)
        futures["media"] = pool.submit(load.media, staff_token)
        futures["lockout"] = pool.submit(load.lockout, LOGIN_FAILURE_LIMIT)
        futures["throttle"] = pool.submit(load.throttle, AUTH_RATE)
        futures["imports"] = pool.submit(imports, load, admin)
        carts = {n: pool.submit(fill_cart, load, customer, n) for n, customer in enumerate(customers)}
        wait(carts.values())
        for n, customer in enumerate(customers):
            if carts[n].exception() is None:
                futures[f"checkout {n}"] = pool.submit(
                    load.check_out, customer, *carts[n].result(), racing, args.racers
                )
        futures.update({f"customer {n}": future for n, future in carts.items()})
        wait(futures.values())
    errors = {name: f"{type(exc).__name__}: {exc}" for name, f in futures.items() if (exc := f.exception())}
    return load, errors


def fill_cart(load, customer, n: int) -> tuple[int, str]:
    if n < LOGINS:
        load.login_elsewhere(customer, "ab"[n % 2])
    return load.fill_cart(customer)


def imports(load, admin) -> None:
    """A small file previewed on a and confirmed on b in the request; a large one previewed by the worker after
    its upload on a, confirmed on b, imported by the worker."""
    from shop.catalog.models import Category

    slug = Category.objects.order_by("pk").values_list("slug", flat=True).first()
    header = "sku,slug,title,description,price,image,stock,is_active,categories\n"

    def rows(prefix: str, count: int) -> str:
        return header + "".join(f"{prefix}-{n},{prefix.lower()}-{n},Twin {n},,9.50,,7,1,{slug}\n" for n in range(count))

    preview = load.import_preview(admin, "a", rows("TWO-SYNC", SYNC_ROWS))
    confirmed = load.import_confirm_sync(admin, preview, "b")
    load.facts["sync_import"] = {"preview": preview.status_code, "confirm": confirmed}
    started = load.import_preview(admin, "a", rows("TWO-JOB", JOB_ROWS))
    job = int(started.headers.get("Location", "/0/").rstrip("/").split("/")[-2])
    facts = {"upload": started.status_code, "previewed": wait_job(job, {"previewed", "failed"})}
    facts["confirm"] = load.job_confirm(admin, job, "b")
    facts["done"] = wait_job(job, {"done", "failed"})
    load.facts["job_import"] = facts


def wait_job(pk: int, states: set[str], timeout: float = 120) -> str:
    from django.db import connection

    from shop.backoffice.models import Job

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            state = Job.objects.filter(pk=pk).values_list("state", flat=True).first()
            if state in states:
                return state
            time.sleep(0.5)
        return f"still {state} after {timeout:.0f} s"
    finally:
        connection.close()  # this thread's connection


def verify(load, prepared, started_at, workdir: Path, errors: dict) -> dict[str, list[str]]:
    """Every check by name, each with its problems (none: PASS)."""
    from bench.soak_checks import access_log_counts, compare_sales, ledger_mismatches, sale_totals
    from shop.orders.models import Order

    answers, facts = load.answers, load.facts
    load.logged = {
        name: access_log_counts((workdir / name / "gunicorn.log").read_text(errors="replace")) for name in "ab"
    }
    load.summary = checks.checkout_summary(answers)
    load.orders = Order.objects.filter(created_at__gte=started_at).count()
    sold = checks.units_sold(list(prepared.scarce), started_at)
    return {
        "every scenario ran to its end": [f"{name}: {error}" for name, error in errors.items()],
        "both instances served": checks.spread_problems(answers),
        "no 5xx": checks.server_errors(answers, {name: counts["5xx"] for name, counts in load.logged.items()}),
        "stock = ledger": checks.ledger_problems(ledger_mismatches()),
        "sales in the ledger = order lines": [str(row) for row in compare_sales(*sale_totals())],
        "orders = checkout 201s": checks.checkout_problems(load.summary, load.orders)
        + checks.expect_problems("checkout", answers, {201, 409}),
        "no oversell": checks.oversell_problems(prepared.scarce, sold, checks.stock_of()),
        "login lock-out shared": checks.limit_problems("lock-out", facts.get("lockout", []), LOGIN_FAILURE_LIMIT - 1),
        "auth throttle shared": checks.limit_problems("throttle", facts.get("throttle", []), AUTH_RATE),
        "token from one instance valid on the other": checks.expect_problems("token_elsewhere", answers, {200}),
        "admin session from one instance valid on the other": checks.expect_problems("admin_elsewhere", answers, {200}),
        "staff stock changes across instances": checks.expect_problems("staff_stock", answers, {200}),
        "image uploaded on a served by b": checks.fact_problems("media", facts.get("media", {}), {"fetch": 200}),
        "import previewed on a, confirmed on b": import_problems("sync_import", facts, "TWO-SYNC-", SYNC_ROWS),
        "import job previewed on a, confirmed on b": import_problems("job_import", facts, "TWO-JOB-", JOB_ROWS),
        "anonymous reads": checks.expect_problems("read", answers, {200}),
        "beat started": [] if "beat: Starting" in (workdir / "beat.log").read_text(errors="replace") else ["no start"],
    }


def import_problems(name: str, facts: dict, prefix: str, rows: int) -> list[str]:
    from shop.catalog.models import Product

    expected = {"confirm": 302, "done": "done"} if name == "job_import" else {"confirm": 302}
    created = Product.objects.filter(sku__startswith=prefix).count()
    return checks.fact_problems(name, {**facts.get(name, {}), "rows": created}, {**expected, "rows": rows})


def report(args, load, results: dict, elapsed: float) -> int:
    from bench import two_instances_report
    from bench.harness.report import machine

    summary = load.summary
    setup = (
        f"Two gunicorn instances (2 sync workers each), a Celery worker (concurrency 1) and beat on one PostgreSQL "
        f"database and Redis database {args.redis_url.rsplit('/', 1)[-1]}; shop.settings with DEBUG off, HTTPS off; "
        f"media in one shared MEDIA_ROOT (no S3 without a network). generate_data {SIZES}; {args.customers} customers "
        f"({min(LOGINS, args.customers)} log in over HTTP), each checking out once with {args.racers} copies of the "
        f"request sent at once "
        f"to alternating instances under one Idempotency-Key, for {len(load.prepared.scarce)} scarce products of "
        f"{next(iter(load.prepared.scarce.values()))} units (carts hold no stock); {args.reads} anonymous reads, "
        f"{args.adjustments} staff stock changes; lock-out after {LOGIN_FAILURE_LIMIT} failures, auth throttle "
        f"{AUTH_RATE}/min; {args.threads} clients at once. A checkout's 409 `conflict` is the other copy of its key "
        f"still running; `insufficient_stock` is a scarce product sold out (stored with the key and replayed)."
    )
    numbers = (
        f"{len(load.answers)} requests in {elapsed:.1f} s; checkouts: {summary['answers']} answers "
        f"{summary['statuses']} (refusals {summary['refusals']}), "
        f"{summary['fresh_201']} first-hand 201s + {summary['replayed_201']} replayed, "
        f"{load.orders} orders created; access logs: a {load.logged['a']['requests']} answers "
        f"({load.logged['a']['5xx']} 5xx), b {load.logged['b']['requests']} ({load.logged['b']['5xx']} 5xx)."
    )
    info = machine()
    body = two_instances_report.render(info=info, setup=setup, numbers=numbers, answers=load.answers, checks=results)
    print(body)
    if not args.no_results:
        two_instances_report.write(body)
    return 0 if not any(results.values()) else 1


def teardown(args) -> None:
    """Close this process's connections, flush the Redis database, drop the PostgreSQL one (unless --keep)."""
    from django.db import connections

    connections.close_all()
    flush_redis(args.redis_url)
    if not args.keep:
        drop(args.database_url)


if __name__ == "__main__":
    sys.exit(main())
