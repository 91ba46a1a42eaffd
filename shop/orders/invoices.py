"""Invoice numbers: `INV-<year>-<6 digits>`, gapless per year.

Many countries require invoice numbers without gaps, so they cannot come from a database sequence (a rollback
burns a sequence value). The year's counter is a row (`InvoiceSequence`) locked and bumped in the transaction
that makes the order paid: concurrent payments queue on the row, and a rollback takes the bump back with it.
"""

from django.db import transaction
from django.utils import timezone

from shop.orders.models import InvoiceSequence, Order

INVOICE_NUMBER_FORMAT = "INV-{year}-{number:06d}"


@transaction.atomic
def invoice_number_assign(*, order: Order) -> Order:
    """Give the order the year's next invoice number, unless it has one (then nothing changes).

    Locks the order row, then the year's counter row (created on the year's first invoice; `ignore_conflicts`
    makes two first invoices at once wait for each other instead of failing). Call it inside the transaction
    that makes the order paid, so the number is given out exactly when that transaction commits.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.invoice_number:
        return order
    now = timezone.now()
    year = timezone.localdate(now).year
    InvoiceSequence.objects.bulk_create([InvoiceSequence(year=year)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    order.invoice_number = INVOICE_NUMBER_FORMAT.format(year=year, number=sequence.last_number)
    order.invoiced_at = now
    order.save(update_fields=["invoice_number", "invoiced_at", "updated_at"])
    return order
