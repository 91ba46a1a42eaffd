from decimal import Decimal

import pytest

from bench import soak_checks as checks
from bench.soak_load import KINDS, parse_summary, split_connections
from shop.orders.services import order_cancel, order_place
from tests.factories import CartWithLinesFactory, CustomerFactory, ProductFactory

STATUS = "Name:\tgunicorn\nState:\tS (sleeping)\nVmPeak:\t  120000 kB\nVmRSS:\t   93512 kB\nRssAnon:\t 60000 kB\n"


def fake_process(proc, pid: int, ppid: int, comm: str = "python", rss_kb: int | None = 1000, argv=("python",)):
    folder = proc / str(pid)
    folder.mkdir()
    (folder / "stat").write_text(f"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 100 0 0 0\n")
    (folder / "status").write_text(f"Name:\t{comm}\nVmRSS:\t{rss_kb} kB\n" if rss_kb is not None else "Name:\tz\n")
    (folder / "cmdline").write_bytes(b"\0".join(part.encode() for part in argv) + b"\0")


def test_vm_rss_is_read_in_kb_and_missing_for_a_zombie():
    assert checks.vm_rss_kb(STATUS) == 93512
    assert checks.vm_rss_kb("Name:\tx\nState:\tZ (zombie)\n") is None


def test_children_and_gunicorn_master_come_from_the_parent_pids_in_proc(tmp_path):
    fake_process(tmp_path, 10, 1, argv=("python", "bench/soak.py"))
    fake_process(tmp_path, 11, 10, comm="wrk", argv=("wrk", "-t1"))
    fake_process(tmp_path, 12, 10, comm="gunicorn: master", argv=("python", "-m", "gunicorn", "shop.wsgi"))
    fake_process(tmp_path, 14, 12, comm="weird) name (x", rss_kb=5000)
    fake_process(tmp_path, 13, 12, rss_kb=None)
    (tmp_path / "self").mkdir()
    assert checks.children(10, tmp_path) == [11, 12]
    assert checks.gunicorn_master(10, tmp_path) == 12
    assert checks.children(12, tmp_path) == [13, 14]
    assert checks.rss_of([13, 14, 99], tmp_path) == {14: 5000}


def test_memory_growth_within_20_mib_or_ten_percent_is_stable():
    verdict = checks.memory_verdict({1: 100_000, 2: 300_000}, {1: 120_000, 2: 329_000})
    assert verdict.growth_kb == {1: 20_000, 2: 29_000}
    assert verdict.stable


def test_memory_growth_beyond_the_bound_or_a_vanished_worker_is_not_stable():
    assert not checks.memory_verdict({1: 100_000}, {1: 121_000}).stable
    gone = checks.memory_verdict({1: 100_000, 2: 100_000}, {1: 100_000, 3: 50_000})
    assert gone.replaced == [2]
    assert not gone.stable
    assert not checks.memory_verdict({}, {}).stable


def test_compare_sales_accepts_sales_kept_and_cancels_written_back():
    movements = {(1, "sale"): -5, (1, "cancel"): 2, (2, "sale"): -1}
    assert checks.compare_sales(movements, {1: (5, 2), 2: (1, 0)}) == []


def test_compare_sales_names_each_product_that_disagrees():
    movements = {(1, "sale"): -4, (2, "sale"): -1, (2, "cancel"): 1}
    wrong = checks.compare_sales(movements, {1: (5, 0), 2: (1, 0), 3: (2, 0)})
    assert [row["product"] for row in wrong] == [1, 2, 3]
    assert wrong[0] == {"product": 1, "sale": -4, "cancel": 0, "units": 5, "cancelled_units": 0}


def test_replace_section_appends_markers_once_then_replaces_only_between_them():
    text = "# Results\n\n<!-- bench:sqlite:start -->\nperf\n<!-- bench:sqlite:end -->\n\n## Analysis\nhand\n"
    first = checks.replace_section(text, "## Soak\none")
    assert first.startswith(text.rstrip()) and first.endswith("<!-- soak:start -->\n## Soak\none\n<!-- soak:end -->\n")
    second = checks.replace_section(first + "after\n", "## Soak\ntwo")
    assert "one" not in second and "## Soak\ntwo\n<!-- soak:end -->\nafter\n" in second
    assert second.count("<!-- soak:start -->") == 1 and "## Analysis\nhand\n" in second


ACCESS_LOG = """[2026-11-25 10:38:24 +0000] [25435] [INFO] Booting worker with pid: 25436
127.0.0.1 - - [25/Nov/2026:10:39:36 +0000] "POST /api/v1/carts/702/checkout/ HTTP/1.1" 201 426 "-" "-"
{"time": "2026-11-25T10:39:36.001+00:00", "level": "INFO", "message": "POST /api/v1/carts/702/checkout/ 201 9ms"}
127.0.0.1 - - [25/Nov/2026:10:39:36 +0000] "POST /api/v1/carts/703/checkout/ HTTP/1.1" 409 300 "-" "-"
127.0.0.1 - - [25/Nov/2026:10:39:37 +0000] "POST /api/v1/carts/ HTTP/1.1" 201 300 "-" "-"
127.0.0.1 - - [25/Nov/2026:10:39:37 +0000] "GET /api/v1/products/?page=3 HTTP/1.1" 503 120 "-" "-"
127.0.0.1 - - [25/Nov/2026:10:39:37 +0000] "GET /admin/catalog/product/?p=2 HTTP/1.1" 200 9000 "-" "-"
"""


def test_access_log_counts_answers_5xx_and_only_checkout_201s():
    assert checks.access_log_counts(ACCESS_LOG) == {"requests": 5, "5xx": 1, "checkout_201": 1}


def test_answers_are_counted_per_minute_of_the_access_log():
    assert checks.answers_per_minute(ACCESS_LOG) == [("10:39", 5)]
    assert checks.answers_per_minute(ACCESS_LOG.replace("10:39:37", "10:40:01")) == [("10:39", 2), ("10:40", 3)]


def test_connections_are_split_in_proportion_with_at_least_one_each():
    assert split_connections(64) == {
        "product_list": 12, "product_filtered": 8, "product_detail": 12, "cart_patch": 12, "checkout": 12,
        "admin_list": 8,
    }  # fmt: skip
    small = split_connections(6)
    assert sum(small.values()) == 6 and min(small.values()) == 1
    assert sum(split_connections(100).values()) == 100 and set(split_connections(100)) == set(KINDS)


def test_parse_summary_reads_statuses_errors_and_fresh_requests():
    output = (
        'Running 30s test\nSOAK_JSON {"requests": 300, "duration_us": 30000000, "p50_us": 4000, "p99_us": 90000, '
        '"max_us": 120000, "connect": 0, "read": 2, "write": 0, "timeout": 1, "fresh": 250, '
        '"statuses": {"201": 240, "409": 57, "502": 1}}\n'
    )
    result = parse_summary("checkout", 12, output)
    assert (result.requests, result.rps, result.p99_ms, result.fresh) == (300, 10.0, 90.0, 250)
    assert result.socket_errors == {"read": 2, "timeout": 1}
    assert result.server_errors == 1
    assert parse_summary("checkout", 12, "connection refused").note == "wrk printed no summary"


@pytest.fixture
def shop_with_orders(db):
    """Two products with initial stock, one order kept and one cancelled through the services."""
    products = [ProductFactory(stock=10, price=Decimal("3.00")) for _ in range(2)]
    for quantities in ((2, 1), (3, 0)):
        user = CustomerFactory()
        lines = [(product, qty) for product, qty in zip(products, quantities, strict=True) if qty]
        order = order_place(cart=CartWithLinesFactory(user=user, lines=lines), by=user)
    order_cancel(order=order, by=user)
    return products


def test_ledger_and_sales_hold_after_checkouts_and_a_cancel(shop_with_orders):
    first, second = shop_with_orders
    assert checks.ledger_mismatches() == []
    movements, ordered = checks.sale_totals()
    assert ordered == {first.pk: (5, 3), second.pk: (1, 0)}
    assert movements == {(first.pk, "sale"): -5, (first.pk, "cancel"): 3, (second.pk, "sale"): -1}
    assert checks.compare_sales(movements, ordered) == []


def test_ledger_mismatch_is_found_when_stock_moves_without_a_movement(shop_with_orders):
    first, _ = shop_with_orders
    type(first).objects.filter(pk=first.pk).update(stock=99)
    assert checks.ledger_mismatches() == [(first.pk, 99, 8)]


def test_sale_totals_since_a_time_leave_out_older_orders(shop_with_orders):
    from django.utils import timezone

    movements, ordered = checks.sale_totals(since=timezone.now())
    assert (movements, ordered) == ({}, {})
