import threading

import pytest
from django.db import connection

from shop.catalog.models import Category
from shop.catalog.services import category_update
from shop.core.exceptions import InvalidInput
from tests.factories import CategoryFactory


def run_together(*jobs):
    """Start every job at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - returned to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def has_cycle() -> bool:
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = parents[node]
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_that_together_make_a_cycle_cannot_both_succeed():
    a, c = CategoryFactory(slug="a"), CategoryFactory(slug="c")
    b, d = CategoryFactory(slug="b", parent=a), CategoryFactory(slug="d", parent=c)

    def a_under_d():
        category_update(category=Category.objects.get(pk=a.pk), parent=Category.objects.get(pk=d.pk))

    def c_under_b():
        category_update(category=Category.objects.get(pk=c.pk), parent=Category.objects.get(pk=b.pk))

    outcomes = run_together(a_under_d, c_under_b)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvalidInput", "str"]
    assert all(outcome == "ok" or isinstance(outcome, InvalidInput) for outcome in outcomes)
    assert not has_cycle()
