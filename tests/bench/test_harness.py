from bench.harness import report
from bench.harness.load import Measurement, Request, parse

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  1 threads and 4 connections
BENCH_JSON {"requests": 1000, "duration_us": 10000000, "p50_us": 4500, "p99_us": 12000, "max_us": 20000, \
"socket_errors": 1, "status_errors": 3, "statuses": {"200": 996, "409": 3, "500": 1}}
"""


def test_parse_reads_rate_latencies_and_counts_4xx_5xx_and_socket_errors_as_errors():
    measured = parse(WRK_OUTPUT)
    assert measured.rps == 100
    assert (measured.p50_ms, measured.p99_ms) == (4.5, 12.0)
    assert measured.errors == 5
    assert measured.statuses == {200: 996, 409: 3, 500: 1}


def test_parse_without_a_summary_says_so():
    assert parse("unable to connect").note == "wrk printed no summary"


def test_request_line_is_tab_separated_with_a_dash_for_no_body():
    assert Request("GET", "/a/?page=2").line() == "GET\t/a/?page=2\t-"
    line = Request("PATCH", "/c/1/", '{"add":[]}', {"Authorization": "Bearer t"}).line()
    assert line == 'PATCH\t/c/1/\t{"add":[]}\tAuthorization: Bearer t'


def test_table_shows_ratio_and_whether_the_target_is_met():
    shop, limit = Measurement(requests=300, seconds=10), Measurement(requests=1000, seconds=10)
    rows = report.table_rows([("product_list", shop, limit), ("product_detail", shop, limit)])
    assert rows[0][6:] == ["0.30", "< 0.6"]
    assert rows[1][6:] == ["0.30", "< 0.6"]
    met = report.table_rows([("product_list", Measurement(requests=600, seconds=10), limit)])
    assert met[0][6:] == ["0.60", "met"]


def test_the_dashboard_is_judged_by_its_latency_without_a_limit():
    fast = Measurement(requests=100, seconds=10, p50_ms=90.0)
    slow = Measurement(requests=100, seconds=10, p50_ms=200.0)
    rows = report.table_rows([("admin_dashboard", fast, Measurement(note="no data")), ("admin_dashboard", slow, None)])
    assert [row[7] for row in rows] == ["met", "p50 ≥ 150 ms"]


def test_missing_endpoint_is_reported_instead_of_measured():
    rows = report.table_rows([("checkout", Measurement(note="missing (HTTP 404)"), Measurement(note="no data"))])
    assert rows[0][1] == "missing (HTTP 404)"


def test_write_block_replaces_only_its_own_database_block(tmp_path, monkeypatch):
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Results\n\n<!-- bench:sqlite:start -->\nold\n<!-- bench:sqlite:end -->\n\n## Analysis\nmine\n"
    )
    monkeypatch.setattr(report, "RESULTS", results)
    report.write_block("sqlite", "new")
    report.write_block("postgres", "pg")
    text = results.read_text()
    assert "old" not in text and "\nnew\n" in text and "## Analysis\nmine" in text
    assert text.index("new") < text.index("## Analysis") < text.index("<!-- bench:postgres:start -->\npg\n")
