"""Hooks the floors above orders attach to (orders knows nothing about them).

* `full_payment_requested(order, by)`: staff mark an order paid (`order_set_status(status="paid")`, the API's
  status route, the admin's "Mark as paid"). The payments app handles it by recording a manual payment of the
  order's total, which ends in `order_mark_paid`. Exactly one receiver is expected.
* `order_paid(order, by)`: sent by `order_mark_paid`, the single place an order becomes paid, inside its
  transaction (a receiver's writes commit or roll back with the payment).
* `order_refunded(order, refund, by)`: sent after each refund, inside its transaction.
"""

from django.dispatch import Signal

full_payment_requested = Signal()
order_paid = Signal()
order_refunded = Signal()
