"""Outside a request the source is the process's own, or whatever `audit_context` declares."""

from decimal import Decimal

import pytest
from celery import shared_task

from shop.backoffice.audit.context import audit_context, process_source
from shop.catalog.models import Product
from shop.catalog.services import product_update, stock_adjust
from tests.backoffice.helpers import last_entry, source
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/venv/bin/celery", "-A", "shop", "worker"], "task"),
        (["manage.py", "shell"], "shell"),
        (["manage.py", "seed_fixtures"], "command"),
        ([], "command"),
    ],
)
def test_the_process_source_names_workers_shells_and_commands(argv, expected):
    assert process_source(argv) == expected


def test_a_change_outside_any_request_is_logged_as_command_without_actor():
    product = ProductFactory(price=Decimal("1.00"))
    product_update(product=product, price=Decimal("2.00"))
    entry = last_entry(product)
    assert (entry.actor, source(entry)) == (None, "command")


def test_audit_context_declares_source_and_actor_for_a_task():
    user, product = StaffFactory(), ProductFactory(stock=1)
    with audit_context(source="task", actor=user):
        stock_adjust(product=product, delta=2, reason="adjustment")
    entry = last_entry(product)
    assert (entry.changes, entry.actor, source(entry)) == ({"stock": [1, 3]}, user, "task")


def test_a_movement_user_wins_over_the_context_actor():
    mover, other, product = StaffFactory(), StaffFactory(), ProductFactory(stock=1)
    with audit_context(source="import", actor=other):
        stock_adjust(product=product, delta=1, reason="import", by=mover)
    assert last_entry(product).actor == mover


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError), audit_context(source="somewhere"):
        pass


@shared_task
def _reprice(product_id: int) -> None:
    product_update(product=Product.objects.get(pk=product_id), price=Decimal("3.00"))


def test_a_celery_task_is_logged_as_task_even_when_run_in_process_after_a_request():
    product = ProductFactory(price=Decimal("1.00"))
    with audit_context(source="api"):
        _reprice.apply(kwargs={"product_id": product.pk})
    entry = last_entry(product)
    assert (entry.changes, source(entry)) == ({"price": ["1.00", "3.00"]}, "task")
