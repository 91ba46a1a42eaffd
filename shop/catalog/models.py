from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from shop.core.models import TimeStamped
from shop.core.public_cache import TrackedQuerySet

PATH_SEPARATOR = "/"
MAX_STOCK = 2_147_483_647  # the PostgreSQL integer column's upper bound (stock and one movement's delta)


class Category(models.Model):
    """A node of the category tree. `path` (slugs from the root) and `depth` are derived from the parents
    on save, so the admin can list the tree in order with one query."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    path = models.CharField(max_length=1000, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

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


class Attribute(models.Model):
    """What variants of a product differ by (Size, Colour): data that staff manage. A parent product lists the
    attributes its children vary by (`Product.option_attributes`); each child has one value of each."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in which options are shown.")

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("position", "name", "id")

    def __str__(self):
        return self.name


class AttributeValue(models.Model):
    """One value of an attribute (Size: S, M, L). The slug is what documents, filters and imports use."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("attribute", "position", "name", "id")
        constraints = [models.UniqueConstraint(fields=["attribute", "slug"], name="attributevalue_slug_per_attribute")]

    def __str__(self):
        return f"{self.attribute.name}: {self.name}"


#: Named permission (besides change_product): changing a product's stock, in the API and the admin.
ADJUST_STOCK_PERMISSION = "catalog.adjust_stock"


class Product(TimeStamped):
    """A standalone product, a parent (what the customer sees of a product with variants: not purchasable, no
    stock of its own) or a child (a purchasable variant with its own SKU, price and stock, and one value per
    attribute of its parent's `option_attributes`). django-oscar's structure: carts, orders and the stock
    ledger point at products whatever their structure. Variant rules live in `shop.catalog.variants`."""

    class Structure(models.TextChoices):
        STANDALONE = "standalone", "Standalone"
        PARENT = "parent", "Parent (has variants)"
        CHILD = "child", "Variant"

    sku = models.CharField("SKU", max_length=64, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    image = models.URLField(max_length=500, blank=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    stock = models.PositiveIntegerField(default=0, help_text="Units on hand; changed only through stock movements.")
    is_active = models.BooleanField(default=True)
    structure = models.CharField(max_length=10, choices=Structure.choices, default=Structure.STANDALONE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variants",
        help_text="A variant's parent.",
    )
    option_attributes = models.ManyToManyField(
        Attribute, blank=True, related_name="+", help_text="A parent's attributes, which its variants vary by."
    )
    option_key = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="A variant's option value ids in attribute order, so the database keeps combinations unique.",
    )
    rating_rate = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
        help_text="Average rating, rating_sum / rating_count rounded to two places (for display and ordering).",
    )
    rating_count = models.PositiveIntegerField(default=0, help_text="Number of ratings (stored summary).")
    rating_sum = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Exact sum of the ratings (stored summary; the seeded base is its rate times count).",
    )

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(rating_rate__gte=0, rating_rate__lte=5), name="product_rating_rate_0_5"),
            models.CheckConstraint(condition=Q(rating_count__gte=0), name="product_rating_count_not_negative"),
            models.CheckConstraint(
                condition=Q(rating_sum__gte=0, rating_sum__lte=F("rating_count") * 5),
                name="product_rating_sum_0_5_each",
            ),
            models.CheckConstraint(
                condition=Q(structure__in=["standalone", "parent", "child"]), name="product_structure_valid"
            ),
            models.CheckConstraint(
                condition=Q(structure="child", parent__isnull=False) | (~Q(structure="child") & Q(parent__isnull=True)),
                name="product_variant_has_parent",
            ),
            models.CheckConstraint(condition=~Q(structure="parent") | Q(stock=0), name="product_parent_has_no_stock"),
            models.UniqueConstraint(
                fields=["parent", "option_key"],
                condition=Q(parent__isnull=False),
                name="product_variant_options_unique",
            ),
        ]
        indexes = [
            # Lists as anonymous callers see them, ordered by id or price (id breaks ties): a deep page's ids
            # are read from these alone (shop/core/pagination.py).
            models.Index(fields=["is_active", "id"], name="product_active_id_idx"),
            models.Index(fields=["is_active", "price", "id"], name="product_active_price_idx"),
            models.Index(fields=["price"], name="product_price_idx"),
            models.Index(fields=["title"], name="product_title_idx"),
            models.Index(fields=["rating_rate"], name="product_rating_idx"),
            models.Index(fields=["stock"], name="product_stock_idx"),
            models.Index(fields=["structure"], name="product_structure_idx"),
        ]
        permissions = [("adjust_stock", "Can adjust the stock of products")]

    def __str__(self):
        return f"{self.sku} {self.title}"

    @property
    def is_parent(self) -> bool:
        return self.structure == self.Structure.PARENT

    @property
    def is_child(self) -> bool:
        return self.structure == self.Structure.CHILD


class ProductOption(models.Model):
    """A variant's value of one attribute of its parent's option set (size M). The variant's `option_key`
    sums its values up, so two variants of one parent cannot share a combination."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="option_values")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    value = models.ForeignKey(AttributeValue, on_delete=models.PROTECT, related_name="options")

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("attribute__position", "attribute__name", "attribute_id")
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="productoption_one_per_attribute")]

    def __str__(self):
        return f"{self.product_id} {self.attribute_id}={self.value_id}"


#: Limits of a review's words (the service checks them for the API, the admin and the import alike).
REVIEW_TITLE_MAX = 120
REVIEW_BODY_MAX = 5000
#: Named permission (besides change_review): approving and rejecting reviews, in the API and the admin.
MODERATE_REVIEW_PERMISSION = "catalog.moderate_review"


class Review(TimeStamped):
    """A customer's rating of a product (1..5) with an optional title and body: one per customer and product.

    Words wait for moderation (`pending`); a bare rating is `approved` at once. Only approved reviews are
    listed and counted in the product's stored summary, which `shop.catalog.reviews` keeps exact. A review
    of a variant is filed under its parent product. The text is plain text: it is stored as written and
    escaped wherever it is shown.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=REVIEW_TITLE_MAX, blank=True)
    body = models.TextField(max_length=REVIEW_BODY_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    verified_purchase = models.BooleanField(
        default=False, help_text="The author has received this product (or one of its variants)."
    )

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="review_one_per_user_product"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("title"), REVIEW_TITLE_MAX), name="review_title_max"
            ),
            models.CheckConstraint(condition=LessThanOrEqual(Length("body"), REVIEW_BODY_MAX), name="review_body_max"),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="review_product_listed_idx"),
            models.Index(fields=["status", "-created_at"], name="review_status_created_idx"),
        ]
        permissions = [("moderate_review", "Can approve or reject reviews")]

    def __str__(self):
        return f"{self.user} on {self.product.sku}: {self.rating}"

    @property
    def author(self) -> str:
        """How the author is shown to everyone: first name and last initial ("Jane D."), never the email."""
        first, last = self.user.first_name.strip(), self.user.last_name.strip()
        return " ".join(part for part in (first, f"{last[0]}." if last else "") if part) or "A customer"

    @property
    def has_words(self) -> bool:
        return bool(self.title or self.body)


class Purchase(models.Model):
    """`user` has received `product`: what makes their review a verified purchase.

    The catalog knows no orders: the orders app records a purchase when an order is delivered
    (`shop.catalog.reviews.purchases_record`). A variant's purchase is filed under its parent, as its
    reviews are. Kept once recorded (a later refund does not unmake the purchase).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="purchase_one_per_user_product")]

    def __str__(self):
        return f"{self.user} received {self.product_id}"


class WishlistItem(models.Model):
    """A product on a customer's wishlist (one wishlist per customer: their items). Inactive products stay
    here but are not listed; they come back when the product is activated again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="wishlisted")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-added_at", "-id")
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="wishlistitem_one_per_user_product")]
        indexes = [models.Index(fields=["user", "-added_at"], name="wishlistitem_user_added_idx")]

    def __str__(self):
        return f"{self.product_id} on {self.user}'s wishlist"


class StockMovement(models.Model):
    """The stock ledger: every stock change writes one row, so stock == sum(delta) per product."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        SALE = "sale", "Sale"
        CANCEL = "cancel", "Order cancelled"
        ADJUSTMENT = "adjustment", "Adjustment"
        IMPORT = "import", "Import"
        RETURN = "return", "Return"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_movements")
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


class StockReservation(models.Model):
    """Units of a product held for a holder until `expires_at`, so that nobody else can buy them meanwhile.

    The holder is an opaque key chosen by the app that holds the stock (a cart: "cart:42"); the catalog never
    learns what it stands for. Reservations are written through `stock_reservations_set` and counted by
    `shop.catalog.selectors.stock_available`; an expired one counts for nothing, whether or not it is deleted yet.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reservations")
    holder = models.CharField(max_length=64, help_text='Who holds the units, e.g. "cart:42".')
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(
        default=timezone.now,
        help_text="Since when the holder has held this product; when stock falls below the reservations, "
        "older reservations are served first.",
    )

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["holder", "product"], name="stockreservation_one_per_holder_product"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="stockreservation_quantity_positive"),
        ]
        indexes = [models.Index(fields=["product", "expires_at"], name="stockreservation_product_idx")]

    def __str__(self):
        return f"{self.quantity} x {self.product_id} for {self.holder} until {self.expires_at:%Y-%m-%d %H:%M}"


def product_image_path(instance, filename: str) -> str:
    """Images are stored under `products/<product id>/` with the name `shop.catalog.images` chose."""
    return f"{PRODUCT_IMAGE_DIR}/{instance.product_id}/{filename}"


PRODUCT_IMAGE_DIR = "products"


class ProductImage(models.Model):
    """An uploaded picture of a product, re-encoded by `shop.catalog.images` (metadata stripped) with its
    thumbnail. At most one image of a product is primary (the database says so); the services keep exactly
    one while the product has any. Listed by `position`, which staff choose."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=product_image_path, max_length=255)
    thumbnail = models.FileField(upload_to=product_image_path, max_length=255)
    alt = models.CharField("alt text", max_length=255, blank=True, help_text="Describes the image for screen readers.")
    position = models.PositiveIntegerField(default=0, help_text="Images are shown in this order (smallest first).")
    is_primary = models.BooleanField("primary", default=False, help_text="The product's main image.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedQuerySet.as_manager()  # update()/bulk writes bump the public cache

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_primary=True), name="productimage_one_primary_per_product"
            ),
        ]
        indexes = [models.Index(fields=["product", "position"], name="productimage_product_pos_idx")]

    def __str__(self):
        return f"Image {self.pk} of product {self.product_id}"
