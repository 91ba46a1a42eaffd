"""The results: a table on the terminal and a block per database in bench/RESULTS.md."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from bench.harness.load import Measurement

RESULTS = Path(__file__).resolve().parent.parent / "RESULTS.md"
TARGETS = {
    "product_list": 0.6, "product_detail": 0.6, "product_list_filtered": 0.4, "product_search": 0.4,
    "product_deep_page": 0.6, "product_page_100": 0.6, "admin_changelist": 0.2,
}  # fmt: skip
LATENCY_TARGETS_MS = {"admin_dashboard": 150.0}  # p50, where there is no limit to compare with
IMPORT_TARGET = 5.0
QUERY_TARGET_MS = 50.0


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = " (+ uncommitted changes)" if _git("status", "--porcelain") else ""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "database": _database_version(),
        "commit": f"{commit}{dirty}",
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, check=False)  # noqa: S603, S607
    except OSError:
        return ""
    return out.stdout.strip()


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def ratio(shop: Measurement | None, limit: Measurement | None) -> float | None:
    if not shop or not limit or not shop.rps or not limit.rps:
        return None
    return shop.rps / limit.rps


def table_rows(results: list[tuple[str, Measurement | None, Measurement | None]]) -> list[list[str]]:
    rows = []
    for name, shop, limit in results:
        if shop is None or shop.note:
            rows.append([name, (shop.note if shop else "missing"), "", "", "", _rps(limit), "", ""])
            continue
        value = ratio(shop, limit)
        verdict = _verdict(name, value, shop)
        verdict = "; ".join(filter(None, (verdict, shop.warning, limit.warning if limit else "")))
        rows.append(
            [
                name, f"{shop.rps:.0f}", f"{shop.p50_ms:.1f}", f"{shop.p99_ms:.1f}", str(shop.errors), _rps(limit),
                f"{value:.2f}" if value is not None else "", verdict,
            ]
        )  # fmt: skip
    return rows


def _verdict(name: str, value: float | None, shop: Measurement) -> str:
    if name in LATENCY_TARGETS_MS:
        target_ms = LATENCY_TARGETS_MS[name]
        return "met" if shop.p50_ms < target_ms else f"p50 ≥ {target_ms:.0f} ms"
    target = TARGETS.get(name)
    return "" if target is None or value is None else ("met" if value >= target else f"< {target}")


def _rps(measurement: Measurement | None) -> str:
    if measurement is None:
        return ""
    return measurement.note or f"{measurement.rps:.0f} (p50 {measurement.p50_ms:.1f} ms)"


HEADER = ["scenario", "shop req/s", "p50 ms", "p99 ms", "errors", "limit req/s", "ratio", "target"]


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_block(db: str, body: str) -> None:
    """Replace this database's block of RESULTS.md (between markers), keeping everything else."""
    start, end = f"<!-- bench:{db}:start -->", f"<!-- bench:{db}:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def render(*, db: str, info: dict, options: dict, timings: dict, rows, queries: dict, ledger, imported) -> str:
    """The RESULTS.md block of one run."""
    parts = [
        f"## {info['database']} — {info['date']}",
        f"Machine: {info['cores']} cores ({info['cpu']}), Python {info['python']}, {info['database']}; "
        f"commit {info['commit']}. wrk: 1 thread, {options['connections']} connections, {options['duration']:.0f} s "
        f"per side after a 2 s warm-up; gunicorn 2 sync workers, DEBUG off, {options['settings']}.",
        "",
        markdown_table(HEADER, rows),
        "",
        _generate_section(timings),
        _import_section(imported),
        _ledger_section(ledger),
        _queries_section(queries),
    ]
    return "\n".join(part for part in parts if part is not None)


def _generate_section(timings: dict) -> str:
    sizes = timings.get("sizes", {})
    cells = [[part, str(sizes.get(part, "")), f"{seconds:.1f}"] for part, seconds in timings.items() if part != "sizes"]
    return "### generate_data\n\n" + markdown_table(["part", "rows", "seconds"], cells) + "\n"


def _import_section(imported: dict | None) -> str:
    if not imported:
        return "### Import\n\nnot run (--skip-import)\n"
    if "note" in imported:
        return f"### Import\n\n{imported['note']}\n"
    verdict = "met" if imported["ratio"] <= IMPORT_TARGET else f"not met (target ≤ {IMPORT_TARGET:.0f}x)"
    return (
        f"### Import of {imported['rows']} product rows (CSV)\n\n"
        f"ProductResource.import_data (confirm step): {imported['import_s']:.1f} s, {imported['errors']} row errors; "
        f"bulk_create of the same rows (products, links, movements): {imported['bulk_s']:.2f} s; "
        f"ratio {imported['ratio']:.1f}x — {verdict}.\n"
    )


def _ledger_section(ledger: dict | None) -> str | None:
    if ledger is None:
        return None
    ok = ledger["negative_stock"] == 0 and ledger["ledger_mismatches"] == 0
    ok = ok and ledger["orders"] == ledger["ordered_carts"]
    return (
        "### Checkout consistency after the load\n\n"
        f"orders {ledger['orders']}, ordered carts {ledger['ordered_carts']}, products with negative stock "
        f"{ledger['negative_stock']}, contended products whose stock ≠ sum(ledger) {ledger['ledger_mismatches']} "
        f"— {'no oversell' if ok else 'INCONSISTENT'}.\n"
    )


def _queries_section(queries: dict) -> str:
    rows = [
        [name, report["path"].replace("|", "%7C"), str(report["status"]), str(report["queries"]),
         f"{report['slowest_ms']:.1f}"]
        for name, report in queries.items()
    ]  # fmt: skip
    text = "### Queries per page (in-process, one request)\n\n"
    text += markdown_table(["scenario", "path", "status", "queries", "slowest ms"], rows) + "\n"
    filtered = queries.get("product_list_filtered")
    if filtered and filtered["plans"]:
        text += "\nEXPLAIN of the filtered list's product queries:\n"
        for plan in filtered["plans"]:
            text += f"\n```sql\n{plan['sql']}\n```\n```\n{plan['plan']}\n```\n"
    return text
