"""The two-instance run's invariant checks (bench/two_instances_checks.py) on fabricated answers and totals, and
(marked, skipped by default) the run itself with a tiny load."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import two_instances_checks as checks
from bench.soak_checks import replace_section
from bench.two_instances_checks import Answer
from bench.two_instances_report import MARKS, checks_list

ROOT = Path(__file__).resolve().parent.parent.parent


def checkout(instance, status, key, order=None, replayed=False):
    return Answer("checkout", instance, status, key=key, order=order, replayed=replayed)


RACE = [
    checkout("a", 201, "k1", order=10),
    checkout("b", 201, "k1", order=10, replayed=True),
    checkout("a", 409, "k2"),  # in progress on the other instance
    checkout("b", 201, "k2", order=11),
    checkout("a", 409, "k3"),  # out of stock
    checkout("b", 409, "k3", replayed=True),
]


def test_a_key_answered_201_on_both_instances_counts_one_order():
    summary = checks.checkout_summary(RACE)
    assert (summary["fresh_201"], summary["replayed_201"], summary["keys_201"]) == (2, 1, 2)
    assert summary["statuses"] == {201: 3, 409: 3}
    assert checks.checkout_problems(summary, orders_created=2) == []


def test_an_order_more_or_fewer_than_the_keys_that_got_a_201_fails():
    summary = checks.checkout_summary(RACE)
    assert checks.checkout_problems(summary, orders_created=3) == [
        "3 orders created but 2 Idempotency-Keys answered 201",
        "3 orders created but 2 first-hand 201s",
    ]
    assert len(checks.checkout_problems(summary, orders_created=1)) == 2


def test_one_key_answered_with_two_orders_is_a_double_order():
    answers = [checkout("a", 201, "k1", order=10), checkout("b", 201, "k1", order=12)]
    problems = checks.checkout_problems(checks.checkout_summary(answers), orders_created=1)
    assert "Idempotency-Key k1 answered 201 with orders ['10', '12']" in problems
    assert "1 orders created but 2 first-hand 201s" in problems


def test_no_oversell_when_units_sold_stay_within_the_starting_stock():
    assert checks.oversell_problems({1: 5, 2: 5}, {1: 5, 2: 3}, {1: 0, 2: 2, 3: 40}) == []


def test_oversell_negative_stock_and_a_stock_that_does_not_follow_the_sales_fail():
    problems = checks.oversell_problems({1: 5, 2: 5}, {1: 6, 2: 1}, {1: -1, 2: 3, 3: 0})
    assert problems == [
        "product 1 has stock -1",
        "product 1: 6 units sold of 5",
        "product 2: stock 3 after selling 1 of 5",
    ]


def test_stock_that_differs_from_its_ledger_is_named():
    assert checks.ledger_problems([]) == []
    assert checks.ledger_problems([(7, 3, 4)]) == ["product 7: stock 3, ledger 4"]


def test_any_5xx_fails_whether_the_load_or_an_access_log_saw_it():
    answers = [Answer("read", "a", 200), Answer("read", "b", 502)]
    assert checks.server_errors(answers, {"a": 0, "b": 1}) == [
        "1 answers 5xx on instance b (load)",
        "1 answers 5xx in the access log of b",
    ]
    assert checks.server_errors(answers[:1], {"a": 0, "b": 0}) == []


def test_a_shared_limit_refuses_after_the_allowed_attempts_on_both_instances():
    statuses = [("a", 401), ("b", 401), ("a", 401), ("b", 429), ("a", 429)]
    assert checks.limit_problems("lock-out", statuses, allowed=3) == []


def test_a_limit_counted_per_instance_is_caught():
    """Each instance counting on its own lets the fourth attempt through on the instance that saw only two."""
    statuses = [("a", 401), ("b", 401), ("a", 401), ("b", 401), ("a", 429)]
    assert checks.limit_problems("throttle", statuses, allowed=3) == [
        f"throttle: not refused after 3 attempts: {statuses[3:]}"
    ]
    one_instance = [("a", 401), ("a", 401), ("a", 429), ("a", 429)]
    assert checks.limit_problems("throttle", one_instance, allowed=2) == [
        f"throttle: the attempts did not go to both instances: {one_instance}"
    ]
    early = [("a", 429), ("b", 401), ("a", 429), ("b", 429)]
    assert checks.limit_problems("throttle", early, allowed=2)[0].startswith("throttle: refused before 2 attempts")


def test_unexpected_statuses_and_missing_answers_of_a_kind_fail():
    answers = [Answer("token_elsewhere", "a", 200), Answer("token_elsewhere", "b", 401)]
    assert checks.expect_problems("token_elsewhere", answers, {200}) == ["token_elsewhere: 1 answers 401 on b"]
    assert checks.expect_problems("read", answers, {200}) == ["no read answers"]


def test_facts_and_spread_name_what_differs():
    assert checks.fact_problems("job", {"confirm": 302, "done": "failed"}, {"confirm": 302, "done": "done"}) == [
        "job: done was 'failed', expected 'done'"
    ]
    assert checks.spread_problems([Answer("read", "a", 200)]) == ["instance b served no request"]


def test_the_report_lists_pass_and_fail_and_keeps_the_other_sections():
    assert checks_list({"no 5xx": [], "no oversell": ["product 1 has stock -1"]}) == (
        "- PASS no 5xx\n- FAIL no oversell: product 1 has stock -1"
    )
    text = "# Results\n\n<!-- soak:start -->\nsoak\n<!-- soak:end -->\n"
    once = replace_section(text, "first", MARKS)
    assert replace_section(once, "second", MARKS) == text + f"\n{MARKS[0]}\nsecond\n{MARKS[1]}\n"


@pytest.mark.skipif(
    not os.environ.get("RUN_TWO_INSTANCES"),
    reason="starts PostgreSQL, Redis, two gunicorns, a worker and beat (about a minute): set RUN_TWO_INSTANCES=1",
)
def test_the_two_instance_run_passes_with_a_tiny_load(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("STATIC_MANIFEST", "DATABASE_URL")}
    command = [
        sys.executable, "bench/two_instances.py", "--customers", "8", "--reads", "20", "--adjustments", "4",
        "--no-results", "--workdir", str(tmp_path / "two"), "--redis-url", "redis://127.0.0.1:6379/7",
        "--database-url", "postgres://postgres@127.0.0.1:5432/h_ops_two_slow",
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Result: **PASS**" in run.stdout
