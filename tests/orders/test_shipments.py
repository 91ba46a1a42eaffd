import pytest
from django.core import mail

from shop.core.exceptions import Conflict
from shop.orders import services
from shop.orders.models import Order, Shipment
from tests.conftest import client_for, with_every_permission
from tests.factories import StaffFactory
from tests.helpers import assert_problem
from tests.orders.fulfilment import paid_order, placed_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]

TRACKING = {"carrier": "DHL", "tracking_number": "JD0001", "tracking_url": "https://dhl.example/t/JD0001"}


def shipments_url(order):
    return f"/api/v1/orders/{order.pk}/shipments/"


def test_staff_record_a_shipment_and_the_order_is_shipped(staff_client, staff, customer):
    order = paid_order(customer)
    response = staff_client.post(shipments_url(order), TRACKING, format="json")
    assert response.status_code == 201, response.content
    assert {key: response.data[key] for key in TRACKING} == TRACKING and response.data["shipped_at"]
    order.refresh_from_db()
    assert order.status == "shipped"
    assert list(order.history.values_list("to_status", "changed_by", "note"))[-1] == ("shipped", staff.pk, "DHL JD0001")


def test_the_customer_sees_the_shipments_on_the_order(staff, customer, customer_client):
    order = paid_order(customer)
    services.shipment_create(order=order, by=staff, carrier="UPS", tracking_number="1Z9")
    body = customer_client.get(f"/api/v1/orders/{order.pk}/").json()
    assert [(s["carrier"], s["tracking_number"], s["tracking_url"]) for s in body["shipments"]] == [("UPS", "1Z9", "")]
    assert body["status"] == "shipped" and body["invoice_number"] == order.invoice_number


def test_a_second_parcel_can_follow_the_first(staff, customer):
    order = paid_order(customer)
    services.shipment_create(order=order, by=staff, carrier="UPS", tracking_number="1")
    services.shipment_create(order=order, by=staff, carrier="UPS", tracking_number="2")
    assert order.shipments.count() == 2
    assert Order.objects.get(pk=order.pk).history.filter(to_status="shipped").count() == 1


def test_the_same_tracking_number_twice_is_a_conflict(staff_client, staff, customer):
    order = paid_order(customer)
    assert staff_client.post(shipments_url(order), TRACKING, format="json").status_code == 201
    assert_problem(staff_client.post(shipments_url(order), TRACKING, format="json"), 409, "conflict")
    assert order.shipments.count() == 1


@pytest.mark.parametrize("make", ["pending", "cancelled"])
def test_an_unpaid_or_cancelled_order_cannot_be_shipped(staff_client, customer, make):
    order = placed_order(customer)
    if make == "cancelled":
        services.order_cancel(order=order, by=customer)
    assert_problem(staff_client.post(shipments_url(order), TRACKING, format="json"), 409, "conflict")
    assert not Shipment.objects.exists() and Order.objects.get(pk=order.pk).status == make


def test_the_owner_cannot_ship_their_own_order(customer_client, customer):
    order = paid_order(customer)
    assert_problem(customer_client.post(shipments_url(order), TRACKING, format="json"), 403, "permission_denied")
    assert not Shipment.objects.exists()


def test_staff_without_the_add_shipment_permission_are_refused(customer):
    clerk = with_every_permission(StaffFactory())
    clerk.user_permissions.remove(*clerk.user_permissions.filter(codename="add_shipment"))
    response = client_for(clerk).post(shipments_url(paid_order(customer)), TRACKING, format="json")
    assert_problem(response, 403, "permission_denied")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"carrier": "DHL"}, "tracking_number"),
        ({**TRACKING, "tracking_url": "not a url"}, "tracking_url"),
        ({**TRACKING, "carrier": ""}, "carrier"),
        ({**TRACKING, "shipped_at": "2020-01-01T00:00:00Z"}, "shipped_at"),
    ],
)
def test_a_bad_shipment_body_is_a_400_and_changes_nothing(staff_client, customer, body, field):
    order = paid_order(customer)
    errors = assert_problem(staff_client.post(shipments_url(order), body, format="json"), 400, "validation_error")
    assert field in errors["errors"]
    assert not Shipment.objects.exists() and Order.objects.get(pk=order.pk).status == "paid"


def test_the_customer_is_mailed_the_tracking_after_the_commit(staff, customer, django_capture_on_commit_callbacks):
    order = paid_order(customer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_create(order=order, by=staff, **TRACKING)
    [message] = mail.outbox
    assert message.to == [customer.email] and order.number in message.subject
    assert "DHL" in message.body and "JD0001" in message.body and TRACKING["tracking_url"] in message.body
    assert TRACKING["tracking_url"] in message.alternatives[0][0]


def test_a_refused_shipment_mails_nothing(staff, customer, django_capture_on_commit_callbacks):
    order = placed_order(customer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        services.shipment_create(order=order, by=staff, **TRACKING)
    assert mail.outbox == []
