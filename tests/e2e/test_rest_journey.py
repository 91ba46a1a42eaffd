"""One REST client's whole journey: browse anonymously, fill a guest cart, register, log in, merge, apply a
voucher, check out once despite retries, pay through Stripe (the in-process fake), watch staff ship it with
tracking and move it to delivered, get one unit refunded, and download the invoice."""

import pytest
from rest_framework.test import APIClient

from shop.catalog.models import Product
from shop.orders.models import Order
from shop.pricing.models import Voucher
from tests.conftest import client_for
from tests.factories import ProductFactory, VoucherFactory
from tests.orders.fulfilment import pdf_text
from tests.payments.helpers import deliver

pytestmark = pytest.mark.django_db

SESSION = "e2e-guest-session-4f9c2a7b"
PASSWORD = "a-Long-and-unusual-passw0rd"


def test_anonymous_to_delivered_order(staff, stripe_fake):
    backpack = ProductFactory(title="Backpack", price="109.95", stock=5)
    ProductFactory(title="Hidden", is_active=False)
    guest = APIClient()
    guest.credentials(HTTP_X_SESSION_ID=SESSION)

    # Browse anonymously: only active products are listed.
    listing = guest.get("/api/v1/products/")
    assert listing.status_code == 200
    assert [p["title"] for p in listing.json()["results"]] == ["Backpack"]

    # Guest cart.
    cart = guest.get("/api/v1/carts/current/").json()
    changed = guest.patch(
        f"/api/v1/carts/{cart['id']}/", {"add": [{"product": backpack.pk, "quantity": 2}]}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["total"] == "219.90"

    # Register and log in.
    email = "journey@example.com"
    registered = guest.post("/api/v1/auth/register/", {"email": email, "password": PASSWORD}, format="json")
    assert registered.status_code == 201, registered.json()
    tokens = guest.post("/api/v1/auth/login/", {"email": email, "password": PASSWORD}, format="json")
    assert tokens.status_code == 200, tokens.json()
    user = APIClient()
    user.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}", HTTP_X_SESSION_ID=SESSION)

    # A default address, then merge the guest cart into the user's.
    address = user.post(
        "/api/v1/addresses/",
        {"line1": "1 Main St", "city": "Springfield", "postcode": "12345", "country": "US", "is_default": True},
        format="json",
    )
    assert address.status_code == 201, address.json()
    merged = user.post("/api/v1/carts/merge/")
    assert merged.status_code == 200
    assert [(i["product"], i["quantity"]) for i in merged.json()["items"]] == [(backpack.pk, 2)]
    assert guest.get(f"/api/v1/carts/{cart['id']}/").status_code == 404  # the guest cart is gone

    # A voucher, typed in another case than staff wrote it: 10.00 off the goods.
    VoucherFactory(code="JOURNEY10", kind=Voucher.Kind.FIXED, value="10.00")
    discounted = user.post(f"/api/v1/carts/{merged.json()['id']}/voucher/", {"code": "journey10"}, format="json")
    assert discounted.status_code == 200, discounted.json()
    assert (discounted.json()["discount"], discounted.json()["total"]) == ("10.00", "209.90")

    # Check out, retrying as a flaky network would: one order, one stock decrement.
    checkout_url = f"/api/v1/carts/{merged.json()['id']}/checkout/"
    answers = [user.post(checkout_url, {}, format="json", HTTP_IDEMPOTENCY_KEY="journey-1") for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    order = answers[0].json()
    assert (order["subtotal"], order["discount"], order["total"]) == ("219.90", "10.00", "209.90")
    assert order["voucher"] == "JOURNEY10" and order["shipping_address"]["line1"] == "1 Main St"
    assert Order.objects.count() == 1 and Product.objects.get(pk=backpack.pk).stock == 3
    assert user.get("/api/v1/orders/").json()["count"] == 1

    # Pay through Stripe: a PaymentIntent for the total, then Stripe's signed webhook makes the order paid.
    payment = user.post(f"/api/v1/orders/{order['id']}/payments/", {"provider": "stripe"}, format="json")
    assert payment.status_code == 201 and payment.json()["client_secret"]
    (intent,) = stripe_fake.intents.values()
    assert (intent["amount"], intent["currency"]) == (20990, "usd")
    assert deliver(APIClient(), stripe_fake.succeed(intent["id"])).status_code == 200
    paid = user.get(f"/api/v1/orders/{order['id']}/").json()
    assert (paid["status"], paid["payment_status"]) == ("paid", "paid")

    assert paid["invoice_number"].startswith("INV-")

    # Staff ship it with tracking, then mark it delivered; the customer sees each step in the history.
    back_office = client_for(staff)
    tracking = {"carrier": "DHL", "tracking_number": "JD0146", "tracking_url": "https://dhl.example/JD0146"}
    shipped = back_office.post(f"/api/v1/orders/{order['id']}/shipments/", tracking, format="json")
    assert shipped.status_code == 201, shipped.json()
    moved = back_office.post(f"/api/v1/orders/{order['id']}/status/", {"status": "delivered"}, format="json")
    assert moved.status_code == 200, moved.json()
    final = user.get(f"/api/v1/orders/{order['id']}/").json()
    assert final["status"] == "delivered"
    assert [(s["carrier"], s["tracking_number"]) for s in final["shipments"]] == [("DHL", "JD0146")]
    assert [h["status"] for h in final["history"]] == ["pending", "paid", "shipped", "delivered"]
    assert user.post(f"/api/v1/orders/{order['id']}/cancel/").status_code == 409

    # One backpack comes back: refunded through Stripe, restocked.
    line = {"item": final["items"][0]["id"], "quantity": 1}
    refund = back_office.post(
        f"/api/v1/orders/{order['id']}/refunds/", {"lines": [line], "restock": True, "reason": "Too big"}, format="json"
    )
    assert refund.status_code == 201 and refund.json()["amount"] == "104.95"  # half of what was charged
    assert [r["amount"] for r in stripe_fake.refunds.values()] == [10495]
    assert user.get(f"/api/v1/orders/{order['id']}/").json()["payment_status"] == "partially_refunded"
    assert Product.objects.get(pk=backpack.pk).stock == 4

    # The customer downloads the invoice: their lines, the total and the number they were mailed.
    invoice = user.get(f"/api/v1/orders/{order['id']}/invoice/")
    assert invoice.status_code == 200 and invoice["Content-Type"] == "application/pdf"
    text = pdf_text(invoice.content)
    assert paid["invoice_number"] in text and "Backpack" in text and "209.90 USD" in text and "JOURNEY10" in text
