"""Orders to pay and refund, and webhook deliveries, for the payments tests."""

from decimal import Decimal

from django.urls import reverse

from shop.carts.models import Cart, CartItem
from shop.orders.models import Order
from shop.orders.services import order_place
from tests.factories import AddressFactory, CustomerFactory, ProductFactory
from tests.payments.stripe_fake import signed


def placed_order(user=None, *, lines=((Decimal("10.00"), 1),), stock=20) -> Order:
    """A pending order of `user` (a new customer by default), one line per (unit price, quantity)."""
    user = user or CustomerFactory()
    if not user.addresses.filter(is_default=True).exists():
        AddressFactory(user=user, is_default=True)
    cart = Cart.objects.create(user=user)
    for price, quantity in lines:
        CartItem.objects.create(cart=cart, product=ProductFactory(price=price, stock=stock), quantity=quantity)
    return order_place(cart=cart, by=user)


def payments_url(order, suffix="") -> str:
    return reverse("order-payments", kwargs={"pk": order.pk}) + suffix


def refunds_url(order) -> str:
    return reverse("order-refunds", kwargs={"pk": order.pk})


def deliver(client, event: dict, **signing):
    """POST the event to the webhook as Stripe does (signed with the fake's secret unless told otherwise)."""
    body, header = signed(event, **signing)
    return client.post(
        reverse("stripe-webhook"), data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
