"""Every registered changelist makes a fixed number of queries whatever the number of rows, and refuses a NUL
character in its parameters with a 400 (PostgreSQL cannot hold one in text: it used to be a 500)."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from shop.accounts.countries import ISO_ALPHA2
from shop.backoffice.models import Job
from shop.orders.models import IdempotencyKey, OrderItem
from shop.payments.models import Payment, PaymentEvent, Refund
from tests.admin.helpers import changelist, set_page_size
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartItemFactory,
    CategoryFactory,
    OrderFactory,
    ProductFactory,
    ReviewFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    UserFactory,
    VoucherFactory,
    attribute_with_values,
    product_with_variants,
)

pytestmark = pytest.mark.django_db

MANY = 25
REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def _later():
    return timezone.now() + timezone.timedelta(hours=1)


def _token(n: int) -> OutstandingToken:
    return OutstandingToken.objects.create(user=UserFactory(), jti=f"jti-{n}", token=f"token-{n}", expires_at=_later())


def _cart(n: int) -> None:
    CartItemFactory.create_batch(2, cart=CartFactory())


def _order(n: int) -> None:
    order = OrderFactory()
    OrderItem.objects.create(
        order=order, product=ProductFactory(), sku=f"S-{n}", title="T", unit_price=1, quantity=1, line_total=1
    )


def _voucher(n: int) -> None:
    voucher = VoucherFactory(usage_limit=10)
    voucher.categories.add(CategoryFactory())
    voucher.uses.create(user=UserFactory(), reference=f"SO-{n}")


def _payment(n: int) -> Payment:
    order = OrderFactory()
    return Payment.objects.create(order=order, provider="stripe", amount=10, currency="USD", reference=f"pi_{n}")


def _payment_event(n: int) -> None:
    PaymentEvent.objects.create(provider="stripe", event_id=f"evt_{n}", type="x", payment=_payment(n), payload={})


def _refund(n: int) -> None:
    payment = _payment(n)
    Refund.objects.create(order=payment.order, payment=payment, amount=1, reason="r", created_by=UserFactory())


def _category(n: int) -> None:
    ProductFactory(categories=[CategoryFactory(parent=CategoryFactory())])


#: One row (and what its list shows beside it) of each model with an admin. A model registered without a
#: seeder here fails `test_every_changelist_...`: add one.
SEEDERS = {
    "accounts.Address": lambda n: AddressFactory(),
    "accounts.User": lambda n: AddressFactory(user=UserFactory()).user.groups.add(
        Group.objects.get_or_create(name="g")[0]
    ),
    "auth.Group": lambda n: Group.objects.create(name=f"group {n}"),
    "axes.AccessAttempt": lambda n: AccessAttempt.objects.create(
        username=f"user{n}@example.com", ip_address="10.0.0.1", failures_since_start=1
    ),
    "axes.AccessFailureLog": lambda n: AccessFailureLog.objects.create(username=f"user{n}@example.com"),
    "axes.AccessLog": lambda n: AccessLog.objects.create(username=f"user{n}@example.com"),
    "auditlog.LogEntry": lambda n: CategoryFactory(),  # the audit log records each creation
    "backoffice.Job": lambda n: Job.objects.create(
        kind=Job.Kind.EXPORT,
        step=Job.Step.EXPORT,
        model="catalog.product",
        resource="r",
        file_format="ShopCSV",
        state=Job.State.RUNNING,
        total_rows=10,
        created_by=UserFactory(is_staff=True),
    ),
    "carts.Cart": _cart,
    "catalog.Attribute": lambda n: attribute_with_values(f"attribute-{n}", ["a", "b"]),
    "catalog.Category": _category,
    "catalog.Product": lambda n: (
        ProductFactory(categories=CategoryFactory.create_batch(2), image="https://i.test/p.png")
        and product_with_variants({"size": ["s", "m"]})
    ),
    "catalog.Review": lambda n: ReviewFactory(title="<b>words</b>", body="more words"),
    "catalog.StockMovement": lambda n: ProductFactory(stock=3),
    "orders.IdempotencyKey": lambda n: IdempotencyKey.objects.create(
        user=UserFactory(), key=f"k-{n}", request_fingerprint="f", expires_at=_later()
    ),
    "orders.Order": _order,
    "pricing.ShippingMethod": lambda n: ShippingMethodFactory(countries=["US", "CA"]),
    "pricing.TaxRate": lambda n: TaxRateFactory(country=sorted(ISO_ALPHA2)[n]),
    "pricing.Voucher": _voucher,
    "payments.Payment": _payment,
    "payments.PaymentEvent": _payment_event,
    "payments.Refund": _refund,
    "token_blacklist.BlacklistedToken": lambda n: BlacklistedToken.objects.create(token=_token(n)),
    "token_blacklist.OutstandingToken": _token,
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _model(label):
    return next(model for model in admin.site._registry if model._meta.label == label)


@pytest.mark.parametrize("label", REGISTERED)
def test_every_changelist_makes_as_many_queries_for_many_rows_as_for_one(admin_client, monkeypatch, label):
    assert label in SEEDERS, f"{label} has an admin but no seeder in SEEDERS"
    model = _model(label)
    set_page_size(monkeypatch, model, 100)
    url = changelist(model)
    SEEDERS[label](0)
    admin_client.get(url)  # content types and the session are cached from here on
    one = _queries(admin_client, url)
    for n in range(1, MANY):
        SEEDERS[label](n)
    many = _queries(admin_client, url)
    assert many == one, f"{label}: {one} queries for one row, {many} for {MANY}"
    assert many <= 12


@pytest.mark.parametrize("label", REGISTERED)
@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "id__exact=%00", "o=%00", "p=%00", "%00=1"])
def test_a_nul_character_in_any_changelist_parameter_is_a_400(admin_client, label, query):
    response = admin_client.get(f"{changelist(_model(label))}?{query}")
    assert response.status_code == 400


def test_a_nul_character_in_an_autocomplete_term_is_a_400(admin_client):
    query = {"term": "a\x00", "app_label": "catalog", "model_name": "product", "field_name": "categories"}
    assert admin_client.get("/admin/autocomplete/", query).status_code == 400


def test_a_nul_character_in_a_posted_action_is_a_400(admin_client):
    product = ProductFactory()
    response = admin_client.post(
        changelist(type(product)), {"action": "activate\x00", "_selected_action": [product.pk]}
    )
    assert response.status_code == 400


def test_every_model_with_an_admin_has_a_seeder():
    assert set(SEEDERS) == set(REGISTERED)
