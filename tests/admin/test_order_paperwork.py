import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from shop.orders.models import CustomerEmail, Order
from tests.admin.helpers import messages_of
from tests.factories import CustomerFactory, StaffFactory
from tests.orders.fulfilment import paid_order, pdf_text, placed_order

pytestmark = pytest.mark.django_db

TOOLS = {
    "orders.add_shipment": "Add shipment",
    "orders.download_invoice": "Invoice PDF",
    "orders.print_packing_slip": "Packing slip PDF",
    "orders.resend_customer_email": "Re-send email",
}


def url(name, order):
    return reverse(f"admin:orders_order_{name}", args=[order.pk])


def staff_with(client, *perms):
    """A staff member who may view orders and holds `perms`, logged in on `client`."""
    user = StaffFactory()
    for perm in ("orders.view_order", *perms):
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)
    return user


@pytest.fixture
def order(db):
    return paid_order(CustomerFactory())


@pytest.mark.parametrize("perm", TOOLS)
def test_each_button_shows_only_with_its_own_permission(client, order, perm):
    staff_with(client, perm)
    html = client.get(url("change", order)).content.decode()
    assert [label for label in TOOLS.values() if label in html] == [TOOLS[perm]]


#: the tool's URL name -> the permission it needs
TOOL_PERMISSIONS = {
    "add_shipment": "orders.add_shipment",
    "invoice": "orders.download_invoice",
    "packing_slip": "orders.print_packing_slip",
    "resend_email": "orders.resend_customer_email",
}


@pytest.mark.parametrize(
    ("name", "method"),
    [("add_shipment", "get"), ("add_shipment", "post"), ("invoice", "get"), ("packing_slip", "get"),
     ("resend_email", "get"), ("resend_email", "post")],
)  # fmt: skip
def test_each_tool_refuses_staff_without_its_permission(client, order, name, method):
    staff_with(client, *(perm for tool, perm in TOOL_PERMISSIONS.items() if tool != name))
    assert getattr(client, method)(url(name, order)).status_code == 403
    assert not order.shipments.exists() and not order.emails.filter(resend=True).exists()


def test_the_invoice_button_waits_for_the_payment(admin_client):
    pending = placed_order(CustomerFactory())
    assert "Invoice PDF" not in admin_client.get(url("change", pending)).content.decode()
    response = admin_client.get(url("invoice", pending))
    assert response.status_code == 302 and "no invoice yet" in messages_of(admin_client.get(response.url))[0]


def test_adding_a_shipment_ships_the_order_and_mails_the_customer(client, order, django_capture_on_commit_callbacks):
    staff = staff_with(client, "orders.add_shipment", "orders.view_shipment")
    assert client.get(url("add_shipment", order)).status_code == 200
    mail.outbox.clear()
    body = {"carrier": "PostNord", "tracking_number": "PN123", "tracking_url": "https://track.example/PN123"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("add_shipment", order), body)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped" and order.shipments.get().created_by == staff
    assert "PN123" in mail.outbox[0].body
    assert "PN123" in client.get(url("change", order)).content.decode()  # the shipments inline


def test_a_shipment_form_with_errors_is_shown_again_and_changes_nothing(admin_client, order):
    response = admin_client.post(url("add_shipment", order), {"carrier": "DHL", "tracking_url": "nope"})
    assert response.status_code == 200 and response.context["form"].errors.keys() == {"tracking_number",
                                                                                     "tracking_url"}  # fmt: skip
    assert not order.shipments.exists()


def test_a_shipment_for_an_unpaid_order_is_refused_with_a_message(admin_client):
    pending = placed_order(CustomerFactory())
    response = admin_client.post(url("add_shipment", pending), {"carrier": "DHL", "tracking_number": "1"})
    assert response.status_code == 200
    assert "Only a paid order can be shipped" in messages_of(response)[0]
    assert Order.objects.get(pk=pending.pk).status == "pending"


def test_the_invoice_and_packing_slip_are_pdfs(admin_client, order):
    invoice = admin_client.get(url("invoice", order))
    assert invoice["Content-Type"] == "application/pdf"
    assert order.invoice_number in pdf_text(invoice.content)
    slip = admin_client.get(url("packing_slip", order))
    assert slip["Content-Type"] == "application/pdf"
    assert order.items.get().sku in pdf_text(slip.content)


def test_staff_resend_an_email_from_the_order_page(client, order, django_capture_on_commit_callbacks):
    staff = staff_with(client, "orders.resend_customer_email")
    email = CustomerEmail.objects.get(order=order, kind="payment_received")
    assert "Payment received" in client.get(url("resend_email", order)).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("resend_email", order), {"email": email.pk})
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert CustomerEmail.objects.get(order=order, resend=True).requested_by == staff


@pytest.mark.parametrize("value", ["", "junk", "999999"])
def test_resending_an_unknown_email_is_a_404(admin_client, order, value):
    assert admin_client.post(url("resend_email", order), {"email": value}).status_code == 404


def test_order_managers_hold_every_paperwork_permission(order_manager):
    assert all(order_manager.has_perm(perm) for perm in TOOLS)
