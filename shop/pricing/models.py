"""What money an order costs beyond its goods: shipping methods, tax rates per country and vouchers.

One currency for the whole shop (settings.SHOP_CURRENCY); every amount here is in it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from shop.accounts.countries import ISO_ALPHA2
from shop.catalog.models import Category
from shop.core.models import TimeStamped

PRICE = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
RATE_MAX = Decimal("1")  # 100 %


class ShippingMethod(TimeStamped):
    """A way to ship an order: a flat price, free from a threshold of goods (after discount), for some
    countries (`countries` empty: every country)."""

    code = models.SlugField(max_length=50, unique=True, help_text="What clients send at checkout (`standard`).")
    name = models.CharField(max_length=100)
    price = models.DecimalField(**PRICE)
    free_over = models.DecimalField(
        **PRICE, null=True, blank=True, help_text="Goods (after discount) of at least this much ship free."
    )
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166 alpha-2 codes it serves; none: every country."
    )
    min_days = models.PositiveSmallIntegerField(default=1, help_text="Fewest delivery days.")
    max_days = models.PositiveSmallIntegerField(default=5, help_text="Most delivery days.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Listed by position, then price.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("position", "price", "id")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_price_not_negative"),
            models.CheckConstraint(
                condition=Q(free_over__isnull=True) | Q(free_over__gte=0), name="shipping_free_over_not_negative"
            ),
            models.CheckConstraint(condition=Q(min_days__lte=F("max_days")), name="shipping_days_ordered"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def serves(self, country: str) -> bool:
        return not self.countries or country in self.countries

    def clean(self):
        if not isinstance(self.countries, list) or not all(isinstance(c, str) for c in self.countries):
            raise ValidationError({"countries": "A list of ISO 3166 alpha-2 codes."})
        self.countries = sorted({code.strip().upper() for code in self.countries})
        unknown = [code for code in self.countries if code not in ISO_ALPHA2]
        if unknown:
            raise ValidationError({"countries": f"Not ISO 3166 alpha-2 codes: {', '.join(unknown)}."})
        if self.min_days is not None and self.max_days is not None and self.min_days > self.max_days:
            raise ValidationError({"max_days": "At least min_days."})


class TaxRate(TimeStamped):
    """The tax rate of a destination country ("0.2000" is 20 %). A country without an active rate pays none."""

    country = models.CharField(max_length=2, unique=True, help_text="ISO 3166 alpha-2.")
    rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(RATE_MAX)],
        help_text="A fraction: 0.2000 is 20 %.",
    )
    name = models.CharField(max_length=100, blank=True, help_text="Shown on invoices, e.g. VAT.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("country",)
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=RATE_MAX), name="taxrate_rate_0_1"),
        ]

    def __str__(self):
        return f"{self.country} {self.rate * 100:.2f} %"

    def clean(self):
        self.country = (self.country or "").strip().upper()
        if self.country not in ISO_ALPHA2:
            raise ValidationError({"country": "Not an ISO 3166 alpha-2 code."})


class Voucher(TimeStamped):
    """A code a customer applies to a cart. `times_used` counts the uses of orders not cancelled (kept by
    `voucher_redeem` / `voucher_release` under the voucher's row lock, and bounded by `usage_limit` in the
    database)."""

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage"
        FIXED = "fixed", "Fixed amount"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    code = models.CharField(max_length=50, help_text="Case-insensitive; stored as typed.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.DecimalField(
        **PRICE, default=Decimal("0"), help_text="Percent (0 to 100) or an amount; ignored for free shipping."
    )
    min_subtotal = models.DecimalField(**PRICE, null=True, blank=True, help_text="The cart's goods must reach it.")
    max_discount = models.DecimalField(**PRICE, null=True, blank=True, help_text="The most one order saves.")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Uses in all; empty: unlimited.")
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Uses per customer.")
    categories = models.ManyToManyField(
        Category, blank=True, related_name="vouchers", help_text="Only goods of these categories; none: all goods."
    )
    is_active = models.BooleanField(default=True)
    times_used = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(Lower("code"), name="voucher_code_unique_ci"),
            models.CheckConstraint(condition=Q(value__gte=0), name="voucher_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="voucher_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["percent", "fixed", "free_shipping"]), name="voucher_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="voucher_used_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(starts_at__lt=F("ends_at")),
                name="voucher_window_ordered",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        self.code = (self.code or "").strip()
        if not self.code:
            raise ValidationError({"code": "A voucher needs a code."})
        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": "A percentage is at most 100."})
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValidationError({"ends_at": "After starts_at."})
        if self.usage_limit is not None and self.times_used > self.usage_limit:
            raise ValidationError({"usage_limit": f"Already used {self.times_used} times."})


class VoucherUse(models.Model):
    """One use of a voucher by an order (`reference`: the order number). Released when the order is
    cancelled: the use stays as a record but no longer counts."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voucher_uses")
    reference = models.CharField(max_length=32, help_text="The order number.")
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True, help_text="When the order was cancelled.")

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["voucher", "reference"], name="voucheruse_once_per_order")]
        indexes = [models.Index(fields=["voucher", "user"], name="voucheruse_voucher_user_idx")]

    def __str__(self):
        return f"{self.voucher.code} → {self.reference}"
