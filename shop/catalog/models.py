from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from shop.core.models import TimeStamped

PATH_SEPARATOR = "/"


class Category(models.Model):
    """A node of the category tree. `path` (slugs from the root) and `depth` are derived from the parents
    on save, so the admin can list the tree in order with one query."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    path = models.CharField(max_length=1000, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        ordering = ("path",)
        verbose_name_plural = "categories"
        constraints = [models.CheckConstraint(condition=~Q(parent=F("id")), name="category_not_own_parent")]
        indexes = [models.Index(fields=["name"], name="category_name_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        parent_path = self.parent.path if self.parent else ""
        self.path = f"{parent_path}{PATH_SEPARATOR}{self.slug}" if parent_path else self.slug
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)
        for child in self.children.all():
            child.save(update_fields=["path", "depth"])


class Product(TimeStamped):
    sku = models.CharField("SKU", max_length=64, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    image = models.URLField(max_length=500, blank=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    stock = models.PositiveIntegerField(default=0, help_text="Units on hand; changed only through stock movements.")
    is_active = models.BooleanField(default=True)
    rating_rate = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
        help_text="Average rating (stored summary).",
    )
    rating_count = models.PositiveIntegerField(default=0, help_text="Number of ratings (stored summary).")

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(rating_rate__gte=0, rating_rate__lte=5), name="product_rating_rate_0_5"),
            models.CheckConstraint(condition=Q(rating_count__gte=0), name="product_rating_count_not_negative"),
        ]
        indexes = [
            models.Index(fields=["is_active", "price"], name="product_active_price_idx"),
            models.Index(fields=["price"], name="product_price_idx"),
            models.Index(fields=["title"], name="product_title_idx"),
            models.Index(fields=["rating_rate"], name="product_rating_idx"),
            models.Index(fields=["stock"], name="product_stock_idx"),
        ]

    def __str__(self):
        return f"{self.sku} {self.title}"


class Rating(TimeStamped):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="rating_one_per_user_product"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="rating_value_1_5"),
        ]

    def __str__(self):
        return f"{self.user} rated {self.product.sku}: {self.value}"


class StockMovement(models.Model):
    """The stock ledger: every stock change writes one row, so stock == sum(delta) per product."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        SALE = "sale", "Sale"
        CANCEL = "cancel", "Order cancelled"
        ADJUSTMENT = "adjustment", "Adjustment"
        IMPORT = "import", "Import"
        RETURN = "return", "Return"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(help_text="Signed change of the stock.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="Order number, import id, note.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="stock_movement_delta_not_zero")]
        indexes = [
            models.Index(fields=["product", "created_at"], name="stockmove_product_time_idx"),
            models.Index(fields=["reason"], name="stockmove_reason_idx"),
        ]

    def __str__(self):
        return f"{self.product.sku} {self.delta:+d} ({self.reason})"


class LowStockDigest(models.Model):
    """The daily low-stock mail to the catalog managers, one row per day sent. The unique date is the
    "sent on date X" marker: a second run that day (another beat, a retry) finds it and mails nothing."""

    date = models.DateField(unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    product_count = models.PositiveIntegerField()
    recipient_count = models.PositiveIntegerField()

    class Meta:
        ordering = ("-date",)

    def __str__(self):
        return f"Low-stock digest of {self.date}"
