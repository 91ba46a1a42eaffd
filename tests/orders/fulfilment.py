"""Orders in the states the fulfilment tests start from, made through the services as customers and staff do."""

from io import BytesIO

from pypdf import PdfReader

from shop.orders import services
from tests.factories import CartWithLinesFactory, ProductFactory, StaffFactory


def placed_order(user, *, lines=None):
    """A pending order of `user` (who needs a default address): by default two units of one product."""
    lines = lines or [(ProductFactory(stock=10), 2)]
    return services.order_place(cart=CartWithLinesFactory(user=user, lines=lines), by=user)


def paid_order(user, *, lines=None, by=None):
    """A placed order that staff marked as paid (it then has an invoice number)."""
    order = placed_order(user, lines=lines)
    return services.order_set_status(order=order, status="paid", by=by or status_mover())


def status_mover():
    from tests.conftest import with_every_permission

    return with_every_permission(StaffFactory())


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, page after page, as pypdf extracts it."""
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
