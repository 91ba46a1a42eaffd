import threading
import time

import pytest
import tablib
from django.db import connection, transaction

from shop.catalog.models import Category
from shop.catalog.resources import CategoryResource
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


def _waiting_for_the_tree_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_move_waits_for_the_tree_lock_and_refuses_the_cycle_it_would_make():
    """C goes under B (holding the tree lock, not committed yet) while a file moves A under D: together a cycle.
    The import must wait for the lock and then see the committed move, as an API move does."""
    a, c = CategoryFactory(slug="a"), CategoryFactory(slug="c")
    b = CategoryFactory(slug="b", parent=a)
    CategoryFactory(slug="d", parent=c)
    moved, release, results = threading.Event(), threading.Event(), {}

    def c_under_b():
        try:
            with transaction.atomic():
                category_update(category=Category.objects.get(pk=c.pk), parent=Category.objects.get(pk=b.pk))
                moved.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def import_a_under_d():
        try:
            moved.wait(timeout=10)
            dataset = tablib.Dataset(["a", "A", "d", ""], headers=["slug", "name", "parent", "description"])
            results["import"] = CategoryResource().import_data(dataset, use_transactions=True)
        finally:
            connection.close()

    mover, importer = threading.Thread(target=c_under_b), threading.Thread(target=import_a_under_d)
    mover.start()
    importer.start()
    moved.wait(timeout=10)
    for _ in range(100):  # until the import waits for the lock, or (without it) is done
        if not importer.is_alive() or _waiting_for_the_tree_lock():
            break
        time.sleep(0.05)
    release.set()
    mover.join(timeout=30)
    importer.join(timeout=30)
    assert results["import"].has_validation_errors()
    assert not has_cycle()
    assert Category.objects.get(pk=a.pk).parent_id is None
