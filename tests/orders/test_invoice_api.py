import pytest

from tests.conftest import client_for, with_every_permission
from tests.factories import StaffFactory
from tests.helpers import assert_problem
from tests.orders.fulfilment import paid_order, pdf_text, placed_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def invoice_url(order):
    return f"/api/v1/orders/{order.pk}/invoice/"


def test_the_owner_downloads_the_invoice_of_a_paid_order(customer, customer_client):
    order = paid_order(customer)
    response = customer_client.get(invoice_url(order))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{order.invoice_number}.pdf"'
    assert order.invoice_number in pdf_text(response.content)


@pytest.mark.parametrize("accept", ["application/json", "application/pdf", "*/*"])
def test_before_the_payment_the_invoice_is_a_409_problem_whatever_the_client_accepts(customer, customer_client, accept):
    response = customer_client.get(invoice_url(placed_order(customer)), HTTP_ACCEPT=accept)
    assert "no invoice yet" in assert_problem(response, 409, "conflict")["detail"]


def test_someone_elses_invoice_is_a_404(customer, other_client):
    assert_problem(other_client.get(invoice_url(paid_order(customer))), 404, "not_found")


def test_staff_need_the_download_invoice_permission(customer):
    clerk = with_every_permission(StaffFactory())
    clerk.user_permissions.remove(*clerk.user_permissions.filter(codename="download_invoice"))
    assert_problem(client_for(clerk).get(invoice_url(paid_order(customer))), 403, "permission_denied")
