import re
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connections, transaction

from shop.orders import services
from shop.orders.invoices import invoice_number_assign
from shop.orders.models import InvoiceSequence, Order
from tests.factories import CustomerFactory
from tests.orders.fulfilment import paid_order, placed_order, status_mover

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def test_an_order_gets_its_invoice_number_when_it_becomes_paid(customer):
    order = placed_order(customer)
    assert order.invoice_number is None
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        order = services.order_set_status(order=order, status="paid", by=status_mover())
    order.refresh_from_db()
    assert order.invoice_number == "INV-2026-000001"
    assert order.invoiced_at == datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_invoice_numbers_follow_each_other_without_gaps(customer):
    numbers = [paid_order(customer).invoice_number for _ in range(3)]
    assert [int(number[-6:]) for number in numbers] == [1, 2, 3]
    assert all(re.fullmatch(r"INV-\d{4}-\d{6}", number) for number in numbers)


def test_assigning_again_keeps_the_number(customer):
    order = paid_order(customer)
    again = invoice_number_assign(order=order)
    assert again.invoice_number == order.invoice_number
    assert InvoiceSequence.objects.get().last_number == 1


def test_each_year_starts_again_at_one(customer):
    with time_machine.travel(datetime(2026, 12, 31, 23, tzinfo=UTC)):
        last_of_2026 = paid_order(customer)
    with time_machine.travel(datetime(2027, 1, 1, 1, tzinfo=UTC)):
        first_of_2027 = paid_order(customer)
    assert (last_of_2026.invoice_number, first_of_2027.invoice_number) == ("INV-2026-000001", "INV-2027-000001")


def test_a_rolled_back_payment_gives_its_number_to_the_next_order(customer):
    order = placed_order(customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.order_set_status(order=order, status="paid", by=status_mover())
        raise RuntimeError("the payment's transaction fails after the number was taken")
    order.refresh_from_db()
    assert order.invoice_number is None and order.status == "pending"
    assert paid_order(customer).invoice_number.endswith("-000001")


def test_a_pending_or_cancelled_order_has_no_invoice_number(customer):
    order = placed_order(customer)
    cancelled = services.order_cancel(order=placed_order(customer), by=customer)
    assert Order.objects.get(pk=order.pk).invoice_number is None
    assert Order.objects.get(pk=cancelled.pk).invoice_number is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_with_rollbacks_leave_no_gap():
    """Twelve orders paid at the same moment, every third one rolled back after taking its number: the
    committed ones hold 1..8 exactly, each once."""
    mover = status_mover()
    orders = [placed_order(CustomerFactory()) for _ in range(12)]
    barrier = threading.Barrier(len(orders))
    errors = []

    def pay(index, order):
        try:
            barrier.wait()
            with transaction.atomic():
                services.order_set_status(order=order, status="paid", by=mover)
                if index % 3 == 2:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=pair) for pair in enumerate(orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Order.objects.exclude(invoice_number=None).values_list("invoice_number", flat=True))
    assert [int(number[-6:]) for number in numbers] == list(range(1, 9))
    assert Order.objects.filter(status="paid").count() == 8
