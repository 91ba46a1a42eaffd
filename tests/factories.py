from decimal import Decimal

import factory

from shop.accounts.models import Address, User
from shop.carts.models import Cart, CartItem
from shop.carts.services import cart_apply_changes
from shop.catalog.models import Attribute, AttributeValue, Category, Product, ProductImage, Review, StockMovement
from shop.orders.models import Order
from shop.pricing.models import ShippingMethod, TaxRate, Voucher

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class CustomerFactory(UserFactory):
    """A customer with a default address, ready to check out."""

    address = factory.RelatedFactory("tests.factories.AddressFactory", factory_related_name="user", is_default=True)


class StaffFactory(UserFactory):
    is_staff = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Home"
    line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    postcode = factory.Faker("postcode")
    country = "US"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """Creates the product with its stock recorded as an `initial` movement, as the ledger requires."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    title = factory.Sequence(lambda n: f"Product {n}")
    description = "A product."
    price = Decimal("10.00")
    stock = 10
    is_active = True
    rating_rate = Decimal("0.00")
    rating_count = 0
    rating_sum = factory.LazyAttribute(lambda p: p.rating_rate * p.rating_count)  # a seeded summary's base

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.categories.set(extracted)

    @factory.post_generation
    def _initial_movement(obj, create, extracted, **kwargs):
        if create and obj.stock:
            StockMovement.objects.create(product=obj, delta=obj.stock, reason=StockMovement.Reason.INITIAL)


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Attribute {n}")
    slug = factory.Sequence(lambda n: f"attribute-{n}")


class AttributeValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeValue
        django_get_or_create = ("attribute", "slug")

    attribute = factory.SubFactory(AttributeFactory)
    name = factory.LazyAttribute(lambda v: v.slug.upper())
    slug = factory.Sequence(lambda n: f"value-{n}")


def attribute_with_values(slug: str, values) -> Attribute:
    """The attribute `slug` (Size) with these value slugs (s, m, l), made once per test; attributes are
    ordered as they were made."""
    attribute = AttributeFactory(slug=slug, name=slug.title(), position=Attribute.objects.count())
    for position, value in enumerate(values):
        AttributeValueFactory(attribute=attribute, slug=value, name=value.upper(), position=position)
    return attribute


def product_with_variants(options=None, *, stock: int = 5, price: str = "10.00", **parent_fields):
    """A parent and one variant per combination of `options` ({"size": ["s", "m"]}), made through the catalog
    services (ledger, option keys, the parent's price), each with `stock` units. Returns (parent, variants)."""
    from itertools import product as combinations

    from shop.catalog.services import product_create

    options = options or {"size": ["s", "m", "l"]}
    for slug, values in options.items():
        attribute_with_values(slug, values)
    n = Product.objects.count() + 1
    fields = {"sku": f"PARENT-{n}", "slug": f"parent-{n}", "title": f"Parent {n}", **parent_fields}
    parent = product_create(structure="parent", option_attributes=list(options), **fields)
    variants = [
        product_create(
            structure="child",
            parent=parent,
            sku=f"{parent.sku}-{'-'.join(combo)}".upper(),
            options=dict(zip(options, combo, strict=True)),
            price=Decimal(price),
            stock=stock,
        )
        for combo in combinations(*options.values())
    ]
    parent.refresh_from_db()
    return parent, variants


class ProductImageFactory(factory.django.DjangoModelFactory):
    """An image row whose files are only names (nothing is stored): for lists and query counts. Tests of
    uploads go through `product_image_add` or the API."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    file = factory.Sequence(lambda n: f"products/test/{n}.png")
    thumbnail = factory.Sequence(lambda n: f"products/test/{n}-thumb.png")
    position = factory.Sequence(lambda n: n)
    is_primary = False
    width = 640
    height = 480


class ReviewFactory(factory.django.DjangoModelFactory):
    """A bare, approved review written directly (the product's summary is not moved: use `review_submit` for
    that)."""

    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    rating = 4
    status = Review.Status.APPROVED


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)
    status = Cart.Status.OPEN


class CartWithLinesFactory(CartFactory):
    """An open cart filled the way customers fill it (`cart_apply_changes`: stock checked, reservations held).

    `lines=[(product, quantity), ...]`; by default one unit of a new product. Options for that default line:
    `lines__quantity`, `lines__stock`, `lines__price`.
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def lines(cart, create, extracted, quantity=1, **product):
        if not create:
            return
        lines = extracted if extracted is not None else [(ProductFactory(**product), quantity)]
        cart_apply_changes(cart=cart, add=[{"product": p.pk, "quantity": qty} for p, qty in lines])
        cart.refresh_from_db()


class CartItemFactory(factory.django.DjangoModelFactory):
    """A bare line, written without the cart services: it holds no stock reservation."""

    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"TEST-{n:06d}")
    user = factory.SubFactory(UserFactory)
    total = Decimal("10.00")
    subtotal = factory.LazyAttribute(lambda order: order.total)  # no discount, shipping or tax: it adds up


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    code = factory.Sequence(lambda n: f"method-{n}")
    name = factory.Sequence(lambda n: f"Method {n}")
    price = Decimal("4.99")
    min_days = 2
    max_days = 5


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate
        django_get_or_create = ("country",)

    country = "US"
    rate = Decimal("0.1000")
    name = "Sales tax"


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = Voucher.Kind.PERCENT
    value = Decimal("10.00")
