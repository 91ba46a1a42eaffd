"""The invariants the two-instance run checks, as pure functions of what the load recorded and what the database
holds (tests/bench/test_two_instances.py feeds them fabricated data). Each returns a list of problems: empty
means the invariant holds. The database reads that feed them are at the end.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as the load saw it: which kind of request, on which instance (a or b), its status;
    `key` and `order` for a checkout (its Idempotency-Key, the order id of a 201), `replayed` when the answer
    carried `Idempotent-Replayed: true`, `code` the problem document's code of a 4xx checkout."""

    kind: str
    instance: str
    status: int
    key: str = ""
    order: int | None = None
    replayed: bool = False
    code: str = ""


def server_errors(answers: list[Answer], logged_5xx: dict[str, int]) -> list[str]:
    """No 5xx, neither seen by the load nor in either instance's access log (answers the load gave up on)."""
    seen = Counter(answer.instance for answer in answers if answer.status >= 500)
    problems = [f"{count} answers 5xx on instance {name} (load)" for name, count in sorted(seen.items())]
    logged = sorted((name, count) for name, count in logged_5xx.items() if count)
    problems += [f"{count} answers 5xx in the access log of {name}" for name, count in logged]
    return problems


def checkout_summary(answers: list[Answer]) -> dict:
    """Checkout answers by Idempotency-Key: 201s first-hand and replayed, the keys that got a 201, the orders."""
    checkouts = [answer for answer in answers if answer.kind == "checkout"]
    created = [answer for answer in checkouts if answer.status == 201]
    orders_of_key = defaultdict(set)
    for answer in created:
        orders_of_key[answer.key].add(answer.order)
    return {
        "answers": len(checkouts),
        "fresh_201": sum(not answer.replayed for answer in created),
        "replayed_201": sum(answer.replayed for answer in created),
        "keys_201": len(orders_of_key),
        "orders_of_key": dict(orders_of_key),
        "statuses": dict(sorted(Counter(answer.status for answer in checkouts).items())),
        "refusals": dict(sorted(Counter(answer.code for answer in checkouts if answer.code).items())),
    }


def checkout_problems(summary: dict, orders_created: int) -> list[str]:
    """Orders created = checkout 201s, an Idempotency-Key's replays counted once: as many orders as keys with a
    201, as many as first-hand 201s, and every 201 of one key names the same order."""
    problems = []
    if orders_created != summary["keys_201"]:
        problems.append(f"{orders_created} orders created but {summary['keys_201']} Idempotency-Keys answered 201")
    if orders_created != summary["fresh_201"]:
        problems.append(f"{orders_created} orders created but {summary['fresh_201']} first-hand 201s")
    for key, orders in sorted(summary["orders_of_key"].items()):
        if len(orders) != 1 or None in orders:
            problems.append(f"Idempotency-Key {key} answered 201 with orders {sorted(map(str, orders))}")
    return problems


def oversell_problems(initial: dict[int, int], sold: dict[int, int], final: dict[int, int]) -> list[str]:
    """No oversell of the scarce products (no staff adds to them): units sold ≤ the stock at the start, final
    stock = start - sold, and no product anywhere below zero (`final` holds every product)."""
    problems = [f"product {pid} has stock {stock}" for pid, stock in sorted(final.items()) if stock < 0]
    for pid, start in sorted(initial.items()):
        units = sold.get(pid, 0)
        if units > start:
            problems.append(f"product {pid}: {units} units sold of {start}")
        if final.get(pid) != start - units:
            problems.append(f"product {pid}: stock {final.get(pid)} after selling {units} of {start}")
    return problems


def ledger_problems(mismatches: list[tuple[int, int, int]]) -> list[str]:
    """Stock = ledger: `mismatches` are (product, stock, sum of its stock movements) that differ."""
    return [f"product {pid}: stock {stock}, ledger {ledger}" for pid, stock, ledger in mismatches]


def limit_problems(name: str, statuses: list[tuple[str, int]], allowed: int, refused: int = 429) -> list[str]:
    """A limit shared by both instances: of `statuses` ((instance, status) in the order sent, alternating
    instances), the first `allowed` are not `refused` and every later one is, on both instances."""
    problems = []
    before, after = statuses[:allowed], statuses[allowed:]
    if any(status == refused for _, status in before):
        problems.append(f"{name}: refused before {allowed} attempts: {before}")
    if not after or any(status != refused for _, status in after):
        problems.append(f"{name}: not refused after {allowed} attempts: {after}")
    if {instance for instance, _ in before} != {"a", "b"} or {instance for instance, _ in after} != {"a", "b"}:
        problems.append(f"{name}: the attempts did not go to both instances: {statuses}")
    return problems


def expect_problems(name: str, answers: list[Answer], expected: set[int]) -> list[str]:
    """Every answer of kind `name` has a status in `expected` (and there is at least one)."""
    mine = [answer for answer in answers if answer.kind == name]
    wrong = Counter((answer.instance, answer.status) for answer in mine if answer.status not in expected)
    if not mine:
        return [f"no {name} answers"]
    return [f"{name}: {count} answers {status} on {instance}" for (instance, status), count in sorted(wrong.items())]


def fact_problems(name: str, seen: dict, expected: dict) -> list[str]:
    """What a scenario saw (`seen`) has every value of `expected` (a 302 confirm, an import job done, ...)."""
    wrong = {key: seen.get(key) for key, value in expected.items() if seen.get(key) != value}
    return [f"{name}: {key} was {value!r}, expected {expected[key]!r}" for key, value in wrong.items()]


def spread_problems(answers: list[Answer]) -> list[str]:
    """Both instances served load."""
    served = Counter(answer.instance for answer in answers)
    return [f"instance {name} served no request" for name in ("a", "b") if not served.get(name)]


# --- Database reads ----------------------------------------------------------------------------------------


def stock_of(pks=None) -> dict[int, int]:
    from shop.catalog.models import Product

    products = Product.objects.all() if pks is None else Product.objects.filter(pk__in=pks)
    return dict(products.values_list("pk", "stock"))


def units_sold(pks, since) -> dict[int, int]:
    """Units sold per product since `since`: the negated sum of its `sale` movements."""
    from django.db.models import Sum

    from shop.catalog.models import StockMovement

    moves = StockMovement.objects.filter(product_id__in=pks, reason="sale", created_at__gte=since).order_by()
    totals = moves.values("product_id").annotate(total=Sum("delta")).values_list("product_id", "total")
    return {pid: -total for pid, total in totals}
