from django.conf import settings
from django.db import models
from django.db.models import Q

from shop.catalog.models import Product
from shop.core.models import TimeStamped
from shop.pricing.models import Voucher

MAX_ITEM_QUANTITY = 999


class Cart(TimeStamped):
    """A customer's cart (user) or a guest's (session_key from `X-Session-Id`).

    At most one open cart per user and per session key: partial unique constraints.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ABANDONED = "abandoned", "Abandoned"
        ORDERED = "ordered", "Ordered"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="carts"
    )
    session_key = models.CharField(max_length=128, null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the reservations of this cart lapse.")
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, on_delete=models.SET_NULL, related_name="carts", help_text="Set by its owner."
    )

    class Meta:
        ordering = ("-updated_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="open"), name="cart_one_open_per_user"),
            models.UniqueConstraint(
                fields=["session_key"], condition=Q(status="open"), name="cart_one_open_per_session"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False), name="cart_has_owner"
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "abandoned", "ordered"]), name="cart_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="cart_status_updated_idx"),
        ]

    def __str__(self):
        owner = self.user.email if self.user_id else f"guest {self.session_key[:8]}…"
        return f"Cart #{self.pk} ({owner}, {self.status})"


class CartItem(TimeStamped):
    """A line of a cart. The stock it holds is a catalog reservation of the cart (`shop.carts.services`)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="cart_items")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cartitem_one_line_per_product"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_ITEM_QUANTITY), name="cartitem_quantity_1_999"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product.sku}"
