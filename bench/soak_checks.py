"""What the soak measures besides the traffic: worker memory from /proc, the stock/order ledger at the end,
other benchmark processes on the machine, and its own section in bench/RESULTS.md.

The pure helpers take their input as arguments (a /proc root, status text, dicts of totals) so that
tests/bench/test_soak.py can check them without a server or a database.
"""

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
MIB = 1024  # kB
STABLE_KB = 20 * MIB  # a worker's growth from start to end at most max(20 MiB, 10 % of its start) is stable
STABLE_FRACTION = 0.10
START_MARK, END_MARK = "<!-- soak:start -->", "<!-- soak:end -->"


# --- Memory ----------------------------------------------------------------------------------------


def vm_rss_kb(status_text: str) -> int | None:
    """The VmRSS line of /proc/<pid>/status in kB (None when absent, e.g. a zombie)."""
    found = re.search(r"^VmRSS:\s+(\d+)\s+kB", status_text, re.MULTILINE)
    return int(found.group(1)) if found else None


def _stat_fields(text: str) -> tuple[str, int]:
    """(comm, ppid) from /proc/<pid>/stat; comm may hold spaces and parentheses, so split at the last ')'."""
    head, _, tail = text.rpartition(")")
    return head.partition("(")[2], int(tail.split()[1])


def children(pid: int, proc: Path = PROC) -> list[int]:
    """The pids whose parent is `pid`, sorted (scans /proc/*/stat: works without CONFIG_PROC_CHILDREN)."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            _, ppid = _stat_fields((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def cmdline(pid: int, proc: Path = PROC) -> str:
    try:
        return (proc / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def gunicorn_master(parent: int, proc: Path = PROC) -> int | None:
    """The gunicorn master started by `parent` (our process), if any."""
    return next((pid for pid in children(parent, proc) if "gunicorn" in cmdline(pid, proc)), None)


def rss_of(pids: list[int], proc: Path = PROC) -> dict[int, int]:
    """{pid: VmRSS kB} for the pids still alive."""
    sizes = {}
    for pid in pids:
        try:
            size = vm_rss_kb((proc / str(pid) / "status").read_text())
        except OSError:
            continue
        if size is not None:
            sizes[pid] = size
    return sizes


@dataclass
class MemoryVerdict:
    start_kb: dict[int, int]
    end_kb: dict[int, int]
    growth_kb: dict[int, int] = field(default_factory=dict)
    replaced: list[int] = field(default_factory=list)  # start workers gone at the end (killed or restarted)
    stable: bool = True


def memory_verdict(start: dict[int, int], end: dict[int, int]) -> MemoryVerdict:
    """Stable when every start worker is still there and grew by at most max(STABLE_KB, STABLE_FRACTION * start)."""
    verdict = MemoryVerdict(start_kb=start, end_kb=end)
    for pid, before in start.items():
        if pid not in end:
            verdict.replaced.append(pid)
            continue
        verdict.growth_kb[pid] = end[pid] - before
    bounds_ok = all(verdict.growth_kb[pid] <= max(STABLE_KB, STABLE_FRACTION * start[pid]) for pid in verdict.growth_kb)
    verdict.stable = bool(start) and not verdict.replaced and bounds_ok
    return verdict


# --- The server's access log ---------------------------------------------------------------------------

ACCESS_LINE = re.compile(
    r"\[\d+/\w+/\d+:(?P<minute>\d\d:\d\d):\d\d [^]]*\] "
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) '
)
CHECKOUT_PATH = re.compile(r"^/api/v1/carts/\d+/checkout/$")


def access_log_counts(text: str) -> dict[str, int]:
    """From gunicorn's access log: requests answered, 5xx among them, and 201 answers to checkout.

    The server logs every answer it sent, also those wrk stopped waiting for when its time was up, so the
    checkout 201s here must equal the orders created exactly.
    """
    counts = {"requests": 0, "5xx": 0, "checkout_201": 0}
    for found in ACCESS_LINE.finditer(text):
        counts["requests"] += 1
        status = int(found["status"])
        counts["5xx"] += status >= 500
        counts["checkout_201"] += (
            status == 201 and found["method"] == "POST" and bool(CHECKOUT_PATH.match(found["path"]))
        )
    return counts


def answers_per_minute(text: str) -> list[tuple[str, int]]:
    """("HH:MM", answers) per minute of the access log, in order: a steady rate means no slow-down."""
    minutes: dict[str, int] = {}
    for found in ACCESS_LINE.finditer(text):
        minutes[found["minute"]] = minutes.get(found["minute"], 0) + 1
    return list(minutes.items())


# --- Other benchmarks on the machine ---------------------------------------------------------------


def foreign_bench_processes(own: set[int]) -> list[int]:
    """Pids of bench/run.py processes and of wrk processes not started by us (pgrep excludes itself)."""
    found = []
    for args in (["pgrep", "-f", "bench/run.py"], ["pgrep", "-x", "wrk"]):
        result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
        found += [int(pid) for pid in result.stdout.split()]
    return sorted(set(found) - own)


# --- Consistency of the stock ledger and the orders -------------------------------------------------


def compare_sales(movements: dict[tuple[int, str], int], ordered: dict[int, tuple[int, int]]) -> list[dict]:
    """Per product, the ledger against the order lines; returns one dict per product that disagrees.

    `movements`: {(product, reason): sum of deltas} for reasons `sale` and `cancel`.
    `ordered`: {product: (units in all orders, units in cancelled orders)}.
    Checkout writes one `sale` movement per line; cancelling writes `cancel` movements back and keeps the
    sales (so does generate_data), hence: -sale == all units, cancel == cancelled units, and so
    -(sale + cancel) == units of the orders not cancelled.
    """
    products = {pid for pid, _ in movements} | set(ordered)
    wrong = []
    for pid in sorted(products):
        sale, cancel = movements.get((pid, "sale"), 0), movements.get((pid, "cancel"), 0)
        units, cancelled = ordered.get(pid, (0, 0))
        if -sale != units or cancel != cancelled:
            wrong.append({"product": pid, "sale": sale, "cancel": cancel, "units": units, "cancelled_units": cancelled})
    return wrong


def ledger_mismatches() -> list[tuple[int, int, int]]:
    """(product, stock, sum of its movements) for every product whose stock is not the sum of its ledger."""
    from django.db.models import F, Sum
    from django.db.models.functions import Coalesce

    from shop.catalog.models import Product

    rows = (
        Product.objects.order_by()
        .annotate(ledger=Coalesce(Sum("stock_movements__delta"), 0))
        .exclude(stock=F("ledger"))
        .values_list("pk", "stock", "ledger")
    )
    return list(rows)


def sale_totals(since=None) -> tuple[dict[tuple[int, str], int], dict[int, tuple[int, int]]]:
    """The two inputs of `compare_sales`, from the database (only what happened after `since` when given)."""
    from django.db.models import Q, Sum

    from shop.catalog.models import StockMovement
    from shop.orders.models import Order, OrderItem

    moves = StockMovement.objects.filter(reason__in=["sale", "cancel"])
    items = OrderItem.objects.filter(product__isnull=False)
    if since is not None:
        moves, items = moves.filter(created_at__gte=since), items.filter(order__created_at__gte=since)
    movements = {
        (pid, reason): total
        for pid, reason, total in moves.order_by()
        .values("product_id", "reason")
        .annotate(t=Sum("delta"))
        .values_list("product_id", "reason", "t")
    }
    cancelled = Q(order__status=Order.Status.CANCELLED)
    ordered = {
        pid: (units, cancelled_units or 0)
        for pid, units, cancelled_units in items.order_by()
        .values("product_id")
        .annotate(units=Sum("quantity"), cancelled_units=Sum("quantity", filter=cancelled))
        .values_list("product_id", "units", "cancelled_units")
    }
    return movements, ordered


# --- bench/RESULTS.md ----------------------------------------------------------------------------------


def replace_section(text: str, body: str, marks: tuple[str, str] = (START_MARK, END_MARK)) -> str:
    """`text` with the part between the markers (the soak's unless given) replaced by `body` (markers appended
    at the end if absent)."""
    start, end = marks
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        return f"{head}{block}{tail}"
    return f"{text.rstrip()}\n\n{block}\n"
