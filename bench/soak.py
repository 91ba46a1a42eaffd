"""Soak the shop: `python bench/soak.py [--duration 600] [--connections 64] [--small] [--wait-idle --start-by 11:25]`.

Fresh PostgreSQL database (default postgres://postgres@127.0.0.1:5432/soak), migrated and filled by
generate_data at the harness's small sizes (`--small`: smaller still, for a quick check); customers, carts,
tokens and a staff session prepared in-process; gunicorn with the production settings (shop.settings,
DEBUG off, HTTPS off, 2 workers, 127.0.0.1 only, throttles raised since all traffic comes from one
address); a warm-up, then mixed traffic for `--duration` seconds from one wrk per kind (bench/soak_load.py)
while the workers' resident memory is sampled; at the end the stock ledger and the orders are checked.
Prints the tables, writes the "## Soak" section of bench/RESULTS.md and exits 1 on any 5xx, unstable
memory or inconsistency.
"""

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import soak_checks as checks  # noqa: E402
from bench.harness.database import SIZES_SMALL, environment, recreate  # noqa: E402
from bench.harness.load import ensure_wrk  # noqa: E402
from bench.harness.server import gunicorn, server_environment  # noqa: E402
from bench.soak_load import CHECKOUTS_PER_SECOND, KINDS, parse_summary, split_connections, start_wrk  # noqa: E402

SIZES_TINY = {"products": 1_000, "categories": 20, "users": 200, "carts": 200, "orders": 500}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soak"
IDLE_SECONDS, IDLE_POLL = 60, 20
LOG_ERRORS = ('"level": "ERROR"', '"level": "CRITICAL"', "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of mixed traffic (after the warm-up)")
    parser.add_argument("--connections", type=int, default=64, help="spread over the kinds like KINDS")
    parser.add_argument("--small", action="store_true", help=f"tiny data set {SIZES_TINY} (default {SIZES_SMALL})")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL database, dropped and recreated")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of the same traffic before measuring")
    parser.add_argument("--sample-every", type=float, default=30.0, help="seconds between memory samples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait-idle", action="store_true", help="wait until no bench/run.py or wrk runs for 60 s")
    parser.add_argument("--start-by", default="", help="HH:MM (local time): stop waiting then, whatever runs")
    parser.add_argument("--no-results", action="store_true", help="do not update bench/RESULTS.md")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    ensure_wrk()
    workdir = ROOT / "bench" / "out" / "soak"
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(url=args.database_url, workdir=workdir, settings_module="shop.settings")
    recreate(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    import logging

    from bench.harness.database import build
    from bench.soak_load import prepare_traffic

    sizes = SIZES_TINY if args.small else SIZES_SMALL
    timings = build(sizes=sizes, seed=args.seed, workdir=workdir, reuse=False, db="soak")
    print("preparing shoppers, carts and tokens ...", flush=True)
    began = time.monotonic()
    traffic = prepare_traffic(duration=args.warmup + args.duration, seed=args.seed, tag=str(int(time.time())))
    print(f"prepared {traffic.checkout_carts} checkout carts in {time.monotonic() - began:.1f} s", flush=True)
    logging.disable(logging.INFO)
    waited = wait_until_idle(args.start_by) if args.wait_idle else ""
    run = Run(args=args, traffic=traffic, workdir=workdir, waited=waited, sizes=sizes, timings=timings)
    with gunicorn(env=server_environment(env), workdir=workdir) as port:
        run.traffic_phases(port)
    run.finish()
    from bench import soak_report

    body = soak_report.render(run)
    print(body)
    (workdir / "last-run.md").write_text(body)
    if not args.no_results:
        soak_report.write(body)
    return 0 if run.passed else 1


def wait_until_idle(start_by: str) -> str:
    """Poll every 20 s until no bench/run.py nor wrk process has been seen for 60 s, or until `start_by`."""
    deadline = _today_at(start_by) if start_by else None
    quiet_since = time.monotonic()
    while True:
        busy = checks.foreign_bench_processes(own=set())
        now = time.monotonic()
        if busy:
            quiet_since = now
        if now - quiet_since >= IDLE_SECONDS:
            return f"started after {IDLE_SECONDS} s without other benchmark processes"
        if deadline and datetime.now() >= deadline:
            running = f" although other benchmark processes ran: {busy}" if busy else ""
            return f"started at the deadline {start_by}{running}"
        print(f"{datetime.now():%H:%M:%S} waiting: benchmark processes {busy or 'none'}", flush=True)
        time.sleep(IDLE_POLL)


def _today_at(hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.now().replace(hour=hours, minute=minutes, second=0, microsecond=0)


class Run:
    """One soak: the traffic phases with memory sampling, then the checks. Holds everything the report shows."""

    def __init__(self, *, args, traffic, workdir: Path, waited: str, sizes: dict, timings: dict):
        self.args, self.traffic, self.workdir, self.waited = args, traffic, workdir, waited
        self.sizes, self.timings = sizes, timings
        self.connections = split_connections(args.connections)
        self.warmup: dict = {}
        self.results: dict = {}
        self.samples: list[tuple[float, dict[int, int]]] = []
        self.master_kb: tuple[int, int] = (0, 0)
        self.overlap: set[int] = set()
        self.overlap_from = ""
        self.started_at = None
        self.verdict = None
        self.ledger: list = []
        self.sales: list = []
        self.soak_sales: list = []
        self.orders: dict = {}
        self.log_errors = 0
        self.passed = False

    def traffic_phases(self, port: int) -> None:
        from django.utils import timezone

        self.master = checks.gunicorn_master(os.getpid())
        self.started_at = timezone.now()
        checkout = self.traffic.requests["checkout"]
        split = min(len(checkout) // 4, int(self.args.warmup * CHECKOUTS_PER_SECOND))
        print(f"gunicorn on 127.0.0.1:{port} (master {self.master}); warm-up {self.args.warmup:.0f} s", flush=True)
        self.before_warmup = self._rss()
        requests = self.traffic.requests
        self.warmup = self._phase("warmup", port, self.args.warmup, {**requests, "checkout": checkout[:split]})
        print(f"soak {self.args.duration:.0f} s at {self.args.connections} connections {self.connections}", flush=True)
        self.results = self._phase("soak", port, self.args.duration, {**requests, "checkout": checkout[split:]})
        master = checks.rss_of([self.master]).get(self.master, 0)
        self.master_kb = (self.master_kb[0], master)

    def _rss(self) -> dict[int, int]:
        return checks.rss_of(checks.children(self.master)) if self.master else {}

    def _phase(self, phase: str, port: int, duration: float, requests: dict) -> dict:
        """Run one wrk per kind for `duration`; during the soak sample memory every `sample_every` seconds."""
        processes = {
            kind: start_wrk(
                port=port, kind=kind, requests=requests[kind], connections=self.connections[kind],
                duration=duration, workdir=self.workdir, phase=phase,
            )
            for kind in KINDS
        }  # fmt: skip
        own = {process.pid for process in processes.values()}
        began = time.monotonic()
        if phase == "soak":
            self.samples.append((0.0, self._rss()))
            self.master_kb = (checks.rss_of([self.master]).get(self.master, 0), 0)
        next_sample = began + self.args.sample_every
        while any(process.poll() is None for process in processes.values()):
            time.sleep(1)
            foreign = checks.foreign_bench_processes(own)
            if foreign and not self.overlap:
                self.overlap_from = f"{datetime.now():%H:%M:%S} ({phase}, {time.monotonic() - began:.0f} s in)"
            self.overlap.update(foreign)
            if phase == "soak" and time.monotonic() >= next_sample:
                self.samples.append((time.monotonic() - began, self._rss()))
                next_sample += self.args.sample_every
        if phase == "soak":
            if self.samples and time.monotonic() - began - self.samples[-1][0] < 2:
                self.samples.pop()  # a sample taken just as wrk ended: keep only the final one
            self.samples.append((time.monotonic() - began, self._rss()))
        return {kind: self._collect(phase, kind) for kind in KINDS}

    def _collect(self, phase: str, kind: str):
        output = (self.workdir / f"{phase}-{kind}.wrk.txt").read_text()
        return parse_summary(kind, self.connections[kind], output)

    def finish(self) -> None:
        """Memory verdict, ledger and order checks, error lines in the server log; sets `passed`."""
        from shop.orders.models import Order

        self.verdict = checks.memory_verdict(self.samples[0][1], self.samples[-1][1])
        self.ledger = checks.ledger_mismatches()
        self.sales = checks.compare_sales(*checks.sale_totals())
        self.soak_sales = checks.compare_sales(*checks.sale_totals(since=self.started_at))
        created = Order.objects.filter(created_at__gte=self.started_at)
        created_201 = sum(r.statuses.get(201, 0) for r in (self.warmup["checkout"], self.results["checkout"]))
        log = (self.workdir / "gunicorn.log").read_text(errors="replace")
        self.access = checks.access_log_counts(log)
        self.per_minute = checks.answers_per_minute(log)
        self.log_errors = sum(1 for line in log.splitlines() if any(mark in line for mark in LOG_ERRORS))
        self.orders = {
            "created": created.count(),
            "cancelled": created.filter(status=Order.Status.CANCELLED).count(),
            "wrk_201": created_201,  # fewer: answers still in flight when wrk stopped are not counted
        }
        self.orders["ok"] = self.orders["created"] == self.access["checkout_201"] >= created_201
        server_errors = sum(r.server_errors for phase in (self.warmup, self.results) for r in phase.values())
        self.server_errors = max(server_errors, self.access["5xx"])
        self.passed = (
            server_errors == 0
            and self.verdict.stable
            and not self.ledger
            and not self.sales
            and not self.soak_sales
            and self.orders["ok"]
        )


if __name__ == "__main__":
    sys.exit(main())
