from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone

from shop.catalog.models import Product
from shop.core.models import TimeStamped
from shop.core.money import shop_currency
from shop.pricing.models import Voucher

MONEY = {"max_digits": 12, "decimal_places": 2}
MONEY_MAX = Decimal("9999999999.99")  # the most a MONEY column holds

GOODS_AND_SHIPPING = F("subtotal") - F("discount") + F("shipping")

#: Named permission: moving an order through its workflow (status moves, staff cancellation), API and admin.
CHANGE_STATUS_PERMISSION = "orders.change_order_status"
#: Named permissions of the order's paperwork, API and admin: download an invoice of someone else's order,
#: print a packing slip, send a customer email again.
INVOICE_PERMISSION = "orders.download_invoice"
PACKING_SLIP_PERMISSION = "orders.print_packing_slip"
RESEND_EMAIL_PERMISSION = "orders.resend_customer_email"
#: Recording a shipment is the Shipment model's add_ permission.
ADD_SHIPMENT_PERMISSION = "orders.add_shipment"


class Order(TimeStamped):
    """A placed order. Prices, titles, skus and the shipping address are copies, not links."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", "Unpaid"
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    cart = models.OneToOneField("carts.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="order")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3, default=shop_currency, help_text="ISO 4217, the shop's at checkout.")
    payment_status = models.CharField(
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.UNPAID,
        help_text="Kept by the payments services: paid once succeeded payments cover the total.",
    )
    subtotal = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    shipping = models.DecimalField(**MONEY, default=Decimal("0.00"), help_text="What the customer pays for it.")
    tax = models.DecimalField(**MONEY, default=Decimal("0.00"))
    total = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0"))
    tax_included = models.BooleanField(
        default=False, help_text="Prices held the tax (PRICES_INCLUDE_TAX): the total does not add it."
    )
    voucher = models.ForeignKey(Voucher, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    voucher_code = models.CharField(max_length=50, blank=True)
    shipping_method_code = models.CharField(max_length=50, blank=True)
    shipping_method_name = models.CharField(max_length=100, blank=True)
    shipping_method_price = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The method's price (the shipping may be less: free over...)."
    )
    shipping_name = models.CharField(max_length=300, blank=True)
    shipping_line1 = models.CharField(max_length=200, blank=True)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_postcode = models.CharField(max_length=20, blank=True)
    shipping_country = models.CharField(max_length=2, blank=True)
    shipping_phone = models.CharField(max_length=32, blank=True)
    invoice_number = models.CharField(
        max_length=20, null=True, blank=True, unique=True, help_text="INV-<year>-<6 digits>, given when paid."
    )
    invoiced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(subtotal__gte=0), name="order_subtotal_not_negative"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(discount__gte=0, shipping__gte=0, tax__gte=0), name="order_parts_not_negative"
            ),
            models.CheckConstraint(condition=Q(discount__lte=F("subtotal")), name="order_discount_within_subtotal"),
            # Rounded so that SQLite's floating arithmetic compares like PostgreSQL's exact numerics.
            models.CheckConstraint(
                condition=Q(tax_included=False, total=Round(GOODS_AND_SHIPPING + F("tax"), 2))
                | Q(tax_included=True, total=Round(GOODS_AND_SHIPPING, 2)),
                name="order_total_adds_up",
            ),
            # SQLite does not enforce max_digits: without these an oversized total is stored and unreadable.
            models.CheckConstraint(condition=Q(subtotal__lte=MONEY_MAX), name="order_subtotal_fits"),
            models.CheckConstraint(condition=Q(total__lte=MONEY_MAX), name="order_total_fits"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "paid", "shipped", "delivered", "cancelled"]),
                name="order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(payment_status__in=["unpaid", "paid", "partially_refunded", "refunded"]),
                name="order_payment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(invoice_number__isnull=True, invoiced_at__isnull=True)
                | Q(invoice_number__isnull=False, invoiced_at__isnull=False),
                name="order_invoice_number_with_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
            models.Index(fields=["user", "created_at"], name="order_user_created_idx"),
            models.Index(fields=["payment_status", "created_at"], name="order_payment_created_idx"),
        ]
        permissions = [
            ("change_order_status", "Can change the status of orders"),
            ("download_invoice", "Can download the invoice of any order"),
            ("print_packing_slip", "Can print packing slips"),
            ("resend_customer_email", "Can send a customer email again"),
        ]

    def __str__(self):
        return self.number


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="order_items")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    options = models.JSONField(
        default=dict, blank=True, help_text='A variant\'s options at checkout, {"size": "m"}; {} for other products.'
    )
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderitem_price_not_negative"),
            models.CheckConstraint(condition=Q(line_total__lte=MONEY_MAX), name="orderitem_line_total_fits"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.sku} ({self.order.number})"


class OrderStatusChange(models.Model):
    """The order's history: one row per status it entered, with who moved it and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Order.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = "status change"
        indexes = [models.Index(fields=["order", "created_at"], name="orderstatus_order_time_idx")]

    def __str__(self):
        return f"{self.order.number}: {self.from_status or '-'} → {self.to_status}"


class InvoiceSequence(models.Model):
    """The last invoice number given out in a year. Taking a number locks this row until the transaction that
    made the order paid commits, so numbers are gapless: a rollback gives its number back to the next order."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Shipment(models.Model):
    """A parcel sent for a paid order, with the carrier's tracking number."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=100)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("shipped_at", "id")
        constraints = [
            # a double-submitted form records (and mails) one shipment, not two
            models.UniqueConstraint(fields=["order", "carrier", "tracking_number"], name="shipment_unique_per_order"),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number} ({self.order.number})"


class CustomerEmail(models.Model):
    """One email to the order's customer. The automatic one of an event (`kind` + `event`, such as the shipment's
    id) is recorded once (`customer_email_once_per_event`), which is what keeps it from being sent twice; a
    re-send asked for by staff is a row of its own (`resend`)."""

    class Kind(models.TextChoices):
        ORDER_PLACED = "order_placed", "Order placed"
        PAYMENT_RECEIVED = "payment_received", "Payment received"
        SHIPPED = "shipped", "Shipped"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    event = models.CharField(max_length=64, blank=True, help_text="Which event of its kind: a shipment or refund id.")
    details = models.JSONField(default=dict, blank=True, help_text="What the message says beyond the order.")
    recipient = models.EmailField()
    resend = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "event"], condition=Q(resend=False), name="customer_email_once_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.order.number})"


def idempotency_key_expiry():
    return timezone.now() + timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_lease_end():
    return timezone.now() + timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)


class IdempotencyKey(models.Model):
    """A stored answer to a checkout sent with `Idempotency-Key` (Stripe's semantics), per user and key.

    `response_status` is null while an attempt is in flight; that attempt holds the key until `locked_until`
    (shop/orders/idempotency.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    locked_until = models.DateTimeField(
        default=idempotency_lease_end,
        help_text="The attempt in flight holds the key until then; after that, without an answer, a retry takes it.",
    )

    class Meta:
        ordering = ("-created_at",)
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expires_idx")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
