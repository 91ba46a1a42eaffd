"""The order page's payments and refunds, its "Record manual payment" and "Refund" forms, each behind its own
permission, and the order list's payment status filter."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from shop.catalog.models import StockMovement
from shop.orders.models import Order
from shop.orders.services import order_set_status
from shop.payments.models import Payment, PaymentEvent, Refund
from tests.admin.helpers import changelist, messages_of
from tests.payments.helpers import placed_order

pytestmark = pytest.mark.django_db


def page(order):
    return reverse("admin:orders_order_change", args=[order.pk])


def record_url(order):
    return reverse("admin:orders_order_record_payment", args=[order.pk])


def refund_url(order):
    return reverse("admin:orders_order_refund", args=[order.pk])


@pytest.fixture
def order():
    return placed_order(lines=[(Decimal("8.00"), 2), (Decimal("4.00"), 1)])


@pytest.fixture
def paid(order, superuser):
    return order_set_status(order=order, status="paid", by=superuser)


def test_an_unpaid_order_offers_recording_a_payment_not_a_refund(admin_client, order):
    html = admin_client.get(page(order)).content.decode()
    assert record_url(order) in html and refund_url(order) not in html


def test_recording_a_payment_from_the_admin_makes_the_order_paid(admin_client, order, superuser):
    assert admin_client.get(record_url(order)).context["form"]["amount"].initial == Decimal("20.00")
    response = admin_client.post(record_url(order), {"amount": "20.00", "reference": "CASH-1"}, follow=True)
    assert "payment of 20.00 recorded" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert Payment.objects.get().recorded_by == superuser


def test_a_refused_payment_is_shown_on_the_form_and_changes_nothing(admin_client, order):
    response = admin_client.post(record_url(order), {"amount": "20.01"})
    assert response.status_code == 200
    assert "at most 20.00" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_paid_order_shows_its_payments_with_their_events_and_offers_a_refund(admin_client, paid):
    html = admin_client.get(page(paid)).content.decode()
    assert refund_url(paid) in html and record_url(paid) not in html
    assert "payment.recorded: recorded by staff" in html


def test_the_refund_form_refunds_lines_and_restocks(admin_client, paid):
    first, second = paid.items.order_by("id")
    form = admin_client.get(refund_url(paid)).context["form"]
    assert (
        f"quantity_{first.pk}" in form.fields
        and "2 bought, 2 left to refund." in form[f"quantity_{first.pk}"].help_text
    )
    body = {f"quantity_{first.pk}": "1", f"quantity_{second.pk}": "0", "restock": "on", "reason": "Damaged"}
    response = admin_client.post(refund_url(paid), body, follow=True)
    assert "8.00 refunded" in " ".join(messages_of(response))
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason, refund.restocked) == (Decimal("8.00"), "Damaged", True)
    assert list(refund.lines.values_list("item", "quantity")) == [(first.pk, 1)]
    assert StockMovement.objects.filter(reason="return", product=first.product_id, delta=1).exists()
    assert "1 x " + first.sku in admin_client.get(page(paid)).content.decode()


def test_a_refused_refund_is_shown_on_the_form(admin_client, paid):
    response = admin_client.post(refund_url(paid), {"amount": "20.01", "reason": "Too much"})
    assert "At most 20.00 is left to refund." in response.content.decode()
    assert not Refund.objects.exists()


def test_order_managers_record_and_refund(client, order_manager, order):
    client.force_login(order_manager)
    client.post(record_url(order), {"amount": "20.00"})
    client.post(refund_url(order), {"amount": "5.00", "reason": "Goodwill"})
    assert Order.objects.get(pk=order.pk).payment_status == "partially_refunded"


def test_without_the_permissions_there_are_no_buttons_and_the_forms_are_refused(client, catalog_manager, order):
    catalog_manager.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(catalog_manager)
    html = client.get(page(order)).content.decode()
    assert record_url(order) not in html
    assert client.post(record_url(order), {"amount": "20.00"}).status_code == 403
    assert client.post(refund_url(order), {"amount": "1.00", "reason": "x"}).status_code == 403
    assert not Payment.objects.exists()


def test_the_order_list_filters_by_payment_status(admin_client, paid):
    unpaid = placed_order()
    response = admin_client.get(changelist(Order), {"payment_status__exact": "unpaid"})
    assert list(response.context["cl"].result_list) == [unpaid]


def test_payments_events_and_refunds_cannot_be_edited(admin_client, paid):
    payment = Payment.objects.get()
    event = PaymentEvent.objects.get()
    for model, obj in ((Payment, payment), (PaymentEvent, event)):
        url = reverse(f"admin:payments_{model._meta.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200
        assert admin_client.post(url, {}).status_code == 403
    assert admin_client.get(reverse("admin:payments_payment_add")).status_code == 403
