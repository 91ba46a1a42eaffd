"""Benchmark the shop against the machine's limit: `python bench/run.py [--db sqlite|postgres] [--scenario NAME]
[--size tiny|small|full]`.

Builds a fresh database (migrate + generate_data), prepares tokens/carts/a staff session in-process,
starts gunicorn (2 workers, DEBUG off, bench.settings = the shop's settings + the /bench/ limit views),
replays each scenario with wrk against the shop and against its limit, then measures in-process the
CSV import and the queries per page, prints a table and updates this database's block in bench/RESULTS.md.
Outputs (database file, request files, wrk and gunicorn logs) go to bench/out/<db>/ (bench/out/<db>-<size>/ for
the smaller data sets, whose RESULTS.md block is `bench:<db>-<size>`).
"""

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness.database import SIZES, database_url, environment, exists, recreate  # noqa: E402
from bench.harness.load import Measurement, ensure_wrk, probe, run_wrk  # noqa: E402
from bench.harness.server import gunicorn, server_environment  # noqa: E402

SCENARIOS = (
    "product_list", "product_list_filtered", "product_detail", "product_search", "product_deep_page",
    "product_page_100", "cart_patch_add", "checkout", "admin_changelist", "admin_dashboard",
)  # fmt: skip
READS = {
    "product_list": "", "product_list_filtered": "", "product_detail": "", "product_search": "",
    "product_deep_page": "", "product_page_100": "", "admin_changelist": "staff", "admin_dashboard": "staff",
}  # fmt: skip
WARMUP_SECONDS = 2


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="override the database (PostgreSQL default: .../perf_bench)")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="repeatable; default: all")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per side of each scenario")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--size", choices=tuple(SIZES), default="full", help=f"data set: {SIZES}")
    parser.add_argument("--small", action="store_const", const="small", dest="size", help="the same as --size small")
    parser.add_argument("--reuse-db", action="store_true", help="keep a database filled by an earlier run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--variants", type=int, default=0, metavar="PERCENT", help="generate_data --variants (parents with variants)"
    )
    parser.add_argument("--skip-import", action="store_true", help="skip the in-process CSV import benchmark")
    parser.add_argument("--no-results", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument(
        "--settings",
        default="bench.settings",
        help="settings module (default bench.settings); a variant from bench/experiments/ measures a change "
        "without touching the shop (results go to bench/out/<db>/last-run.md, not RESULTS.md)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    ensure_wrk()
    workdir = ROOT / "bench" / "out" / (args.db if args.size == "full" else f"{args.db}-{args.size}")
    workdir.mkdir(parents=True, exist_ok=True)
    url = database_url(args.db, workdir, args.database_url, args.size)
    env = environment(url=url, workdir=workdir, settings_module=args.settings)
    if not (args.reuse_db and exists(url)):
        recreate(url)
    os.environ.update(env)
    import django

    django.setup()
    _run(args, env, workdir)


def _run(args, env: dict, workdir: Path) -> None:
    from bench.harness import inprocess, report
    from bench.harness.database import build
    from bench.harness.prepare import prepare
    from bench.harness.scenarios import build_scenarios

    sizes = {**SIZES[args.size], **({"variants": args.variants} if args.variants else {})}
    timings = build(sizes=sizes, seed=args.seed, workdir=workdir, reuse=args.reuse_db, db=args.db)
    selected = args.scenario or list(SCENARIOS)
    # checkout carts are used once each: as many as the run can check out, only when checkout is measured
    prepared = prepare(duration=args.duration if "checkout" in selected else 0, seed=args.seed)
    scenarios = build_scenarios(prepared, args.seed)
    logging.disable(logging.INFO)  # the shop's per-request log lines would drown the progress output
    queries = {
        name: inprocess.query_report(scenarios[name].shop[0].path, prepared.staff_cookie if READS[name] else "")
        for name in selected
        if name in READS and scenarios[name].shop
    }
    results = []
    with gunicorn(env=server_environment(env), workdir=workdir) as port:
        print(f"gunicorn on 127.0.0.1:{port}; {args.duration:.0f} s per side")
        for name in selected:
            results.append((name, *_measure_both(scenarios[name], port, args, workdir)))
    ledger = None
    if "checkout" in selected:
        carts = [s.cart_id for side in ("shop", "limit") for s in prepared.checkout[side]]
        ledger = inprocess.checkout_ledger(prepared.hot_products, carts)
    imported = None if args.skip_import else inprocess.import_benchmark(prepared.run_tag)
    rows = report.table_rows(results)
    report.print_table(rows)
    options = {"duration": args.duration, "connections": args.connections, "settings": args.settings}
    body = report.render(
        db=args.db, info=report.machine(), options=options, timings=timings, rows=rows, queries=queries,
        ledger=ledger, imported=imported,
    )  # fmt: skip
    variant = "" if args.settings == "bench.settings" else "-" + args.settings.rsplit(".", 1)[-1]
    (workdir / f"last-run{variant}.md").write_text(body)
    if not args.no_results and args.settings == "bench.settings":
        report.write_block(args.db if args.size == "full" else f"{args.db}-{args.size}", body)
    print(body.split("### generate_data")[1] if "### generate_data" in body else "")


def _measure_both(scenario, port: int, args, workdir: Path) -> tuple[Measurement, Measurement]:
    measured = []
    for side, requests in (("shop", scenario.shop), ("limit", scenario.limit)):
        print(f"  {scenario.name} / {side} ...", flush=True)
        measured.append(_measure(scenario, side, list(requests), port, args, workdir))
    return measured[0], measured[1]


def _measure(scenario, side: str, requests: list, port: int, args, workdir: Path) -> Measurement:
    """Probe first (a wrong status means the endpoint is missing), warm up, then measure."""
    if not requests:
        return Measurement(note="no data")
    status = probe(port, requests[0])
    if status != scenario.expect:
        return Measurement(note=f"missing (HTTP {status})")
    name = f"{scenario.name}-{side}"
    common = {"port": port, "connections": args.connections, "workdir": workdir}
    if scenario.mode == "once":
        requests = requests[1:]  # the probe used the first cart
    else:
        run_wrk(requests=requests, mode="cycle", duration=WARMUP_SECONDS, name=f"{name}-warmup", **common)
    measured = run_wrk(requests=requests, mode=scenario.mode, duration=args.duration, name=name, **common)
    if scenario.mode == "once" and measured.requests >= len(requests) - args.connections:
        measured.warning = "ran out of fresh carts: req/s is a lower bound"
    return measured


if __name__ == "__main__":
    main()
