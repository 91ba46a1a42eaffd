"""The soak's report: markdown tables printed and written between the soak markers of bench/RESULTS.md."""

from pathlib import Path

from bench.soak_checks import MIB, STABLE_FRACTION, STABLE_KB, replace_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _statuses(statuses: dict[int, int]) -> str:
    return ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items())) or "-"


def traffic_table(results: dict) -> str:
    rows = []
    for result in results.values():
        if result.note:
            rows.append([result.kind, str(result.connections), result.note, "", "", "", "", "", ""])
            continue
        errors = ", ".join(f"{name} {count}" for name, count in result.socket_errors.items()) or "0"
        rows.append([
            result.kind, str(result.connections), str(result.requests), f"{result.rps:.1f}", f"{result.p50_ms:.0f}",
            f"{result.p99_ms:.0f}", _statuses(result.statuses), str(result.server_errors), errors,
        ])  # fmt: skip
    total = sum(r.requests for r in results.values())
    seconds = max((r.seconds for r in results.values()), default=0) or 1
    rows.append(["**all**", str(sum(r.connections for r in results.values())), str(total), f"{total / seconds:.1f}",
                 "", "", "", str(sum(r.server_errors for r in results.values())), ""])  # fmt: skip
    header = ["kind", "conns", "requests", "req/s", "p50 ms", "p99 ms", "statuses", "5xx", "socket errors"]
    return table(header, rows)


def memory_table(run) -> str:
    pids = sorted({pid for _, sizes in run.samples for pid in sizes})
    rows = [
        [f"{at:.0f}", *[f"{sizes[pid] / MIB:.1f}" if pid in sizes else "-" for pid in pids]]
        for at, sizes in run.samples
    ]
    return table(["t (s)", *[f"worker {pid} MiB" for pid in pids]], rows)


def memory_summary(run) -> str:
    verdict = run.verdict
    lines = []
    for pid, start in verdict.start_kb.items():
        if pid in verdict.growth_kb:
            growth, cold = verdict.growth_kb[pid], run.before_warmup.get(pid, 0)
            lines.append(
                f"- worker {pid}: {start / MIB:.1f} MiB at start (after warm-up; {cold / MIB:.1f} MiB before it)"
                f" → {verdict.end_kb[pid] / MIB:.1f} MiB at the end: {growth / MIB:+.1f} MiB "
                f"({100 * growth / start:+.1f} %)"
            )
        else:
            lines.append(f"- worker {pid}: {start / MIB:.1f} MiB at start, **gone at the end** (killed or restarted)")
    master_start, master_end = run.master_kb
    lines.append(f"- master: {master_start / MIB:.1f} → {master_end / MIB:.1f} MiB")
    bound = f"max({STABLE_KB // MIB} MiB, {STABLE_FRACTION:.0%} of the start)"
    lines.append(f"- verdict: **{'stable' if verdict.stable else 'NOT stable'}** (bound: growth ≤ {bound} per worker)")
    return "\n".join(lines)


def consistency(run) -> str:
    def verdict(wrong: list, what: str) -> str:
        return f"- {what}: {'**holds**' if not wrong else f'**{len(wrong)} products disagree**, e.g. {wrong[:3]}'}"

    orders, access = run.orders, run.access
    return "\n".join([
        verdict(run.ledger, "every product: stock == sum(StockMovement.delta)"),
        verdict(run.sales, "every product, all orders (generated + soak): -sale == units ordered, cancel == units "
                "of cancelled orders, so -(sale + cancel) == units of the orders not cancelled"),
        verdict(run.soak_sales, "the same for the soak alone (movements and orders since its start)"),
        f"- orders created since the warm-up began: {orders['created']} ({orders['cancelled']} cancelled); checkout "
        f"201 answers in the server's access log: {access['checkout_201']} "
        f"({'equal' if orders['ok'] else '**differ**'}); counted by wrk: {orders['wrk_201']} (answers in flight "
        "when wrk stopped are not counted)",
        f"- server access log: {access['requests']} answers (warm-up and soak), 5xx: {access['5xx']}",
        f"- ERROR lines or worker timeouts in the gunicorn log: {run.log_errors}",
    ])  # fmt: skip


def render(run) -> str:
    from bench.harness.report import machine

    info = machine()
    args, checkout = run.args, run.results["checkout"]
    overlap = (
        f"**overlap**: other benchmark processes ran from {run.overlap_from} on (pids {sorted(run.overlap)})"
        if run.overlap
        else "no other benchmark process (bench/run.py, wrk) ran during the soak"
    )
    return "\n\n".join([
        "## Soak",
        f"`python bench/soak.py --duration {args.duration:.0f} --connections {args.connections}"
        f"{' --small' if args.small else ''}` — {info['date']}, {info['cores']} cores ({info['cpu']}), "
        f"{info['database']}, Python {info['python']}, commit {info['commit']}.",
        f"gunicorn 2 sync workers, shop.settings with DEBUG off, HTTPS off, throttles raised (one client address); "
        f"generate_data {run.sizes} in {run.timings.get('total', 0):.1f} s; warm-up {args.warmup:.0f} s, then "
        f"{args.duration:.0f} s of traffic, one wrk per kind. Checkout: {run.traffic.checkout_carts} fresh carts of "
        f"as many customers, {checkout.fresh} tried during the soak (a quarter hold a scarce product of "
        f"{len(run.traffic.scarce)} with 25 units each: 409 once sold out; later passes meet ordered carts: 409). "
        f"{run.waited + '; ' if run.waited else ''}{overlap}.",
        f"Result: **{'PASS' if run.passed else 'FAIL'}** — 5xx: {run.server_errors}.",
        "### Traffic (soak phase)",
        traffic_table(run.results),
        f"Warm-up: {sum(r.requests for r in run.warmup.values())} requests, "
        f"5xx: {sum(r.server_errors for r in run.warmup.values())}.",
        "Answers per minute (UTC) in the server's access log, warm-up included (first and last minutes partial): "
        + ", ".join(f"{minute} {count}" for minute, count in run.per_minute)
        + ".",
        "### Worker memory (VmRSS)",
        memory_summary(run),
        memory_table(run),
        "### Consistency at the end",
        consistency(run),
    ])  # fmt: skip


def write(body: str, results: Path = RESULTS) -> None:
    """Replace the soak section (re-read just before writing: the perf harness writes its own blocks)."""
    results.write_text(replace_section(results.read_text(), body))
