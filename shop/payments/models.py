"""Payments of orders, the provider events received about them, and refunds (by lines or by amount)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from shop.orders.models import MONEY, Order, OrderItem

#: Named permissions, the same in the API and the admin.
RECORD_MANUAL_PERMISSION = "payments.record_manual_payment"
REFUND_PERMISSION = "payments.add_refund"


class Payment(models.Model):
    """Money asked for or received for an order through one provider.

    `amount_refunded` grows with each refund drawn from this payment and never passes `amount`. A payment
    that needs a person (an amount or currency that does not match the order, money for an order that is
    cancelled or already paid) is `flagged` with the reason, and does not count towards the order being paid.
    """

    class Provider(models.TextChoices):
        MANUAL = "manual", "Manual (bank transfer, cash on delivery)"
        STRIPE = "stripe", "Stripe"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    amount_refunded = models.DecimalField(**MONEY, default=0)
    reference = models.CharField(
        max_length=255, blank=True, help_text="The provider's id (Stripe: the PaymentIntent) or the transfer's."
    )
    flagged = models.BooleanField(default=False, help_text="Needs a person: see the reason.")
    flag_reason = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0, amount_refunded__lte=F("amount")), name="payment_refund_within"
            ),
            models.CheckConstraint(condition=Q(provider__in=["manual", "stripe"]), name="payment_provider_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed", "refunded", "partially_refunded"]),
                name="payment_status_valid",
            ),
            # Paying twice returns the open payment: at most one pending payment per order and provider.
            models.UniqueConstraint(
                fields=["order", "provider"], condition=Q(status="pending"), name="payment_one_open_per_provider"
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=Q(provider="stripe") & ~Q(reference=""), name="payment_intent_once"
            ),
        ]
        indexes = [
            models.Index(fields=["order", "status"], name="payment_order_status_idx"),
            models.Index(fields=["flagged", "created_at"], name="payment_flagged_idx"),
        ]
        permissions = [("record_manual_payment", "Can record a manual payment of an order")]

    def __str__(self):
        return f"{self.provider} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self):
        return self.amount - self.amount_refunded


class PaymentEvent(models.Model):
    """Every event a provider sent, verified, stored once per event id (the webhook's replay guard)."""

    provider = models.CharField(max_length=20, choices=Payment.Provider.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    outcome = models.CharField(max_length=255, blank=True, help_text="What the shop did with it.")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("received_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_once"),
        ]
        indexes = [models.Index(fields=["payment", "received_at"], name="paymentevent_payment_idx")]

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"


class Refund(models.Model):
    """Money given back from one payment: by lines (their share of what was charged) or by an amount."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=255)
    restocked = models.BooleanField(default=False)
    reference = models.CharField(max_length=255, blank=True, help_text="The provider's refund id (Stripe: re_...).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["payment", "reference"], condition=~Q(reference=""), name="refund_reference_unique"
            ),
        ]
        indexes = [models.Index(fields=["order", "created_at"], name="refund_order_created_idx")]

    def __str__(self):
        return f"{self.amount} of {self.order}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refundline_quantity_positive"),
            models.UniqueConstraint(fields=["refund", "item"], name="refundline_item_once"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.item.sku}"
