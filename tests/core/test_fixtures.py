from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from shop.accounts.models import Address, User
from shop.carts.models import Cart, CartItem
from shop.catalog.models import Category, Product, StockMovement
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def load_fixtures():
    call_command("loaddata", *FIXTURES, verbosity=0)


def counts():
    return {
        "products": Product.objects.count(),
        "categories": Category.objects.count(),
        "users": User.objects.count(),
        "addresses": Address.objects.count(),
        "carts": Cart.objects.count(),
        "cart_items": CartItem.objects.count(),
    }


def test_fixtures_load_the_fakestore_data_set():
    load_fixtures()
    assert counts() == {"products": 20, "categories": 4, "users": 10, "addresses": 10, "carts": 7, "cart_items": 14}


def test_loading_fixtures_twice_duplicates_nothing():
    load_fixtures()
    load_fixtures()
    assert counts()["products"] == 20
    assert StockMovement.objects.count() == 20


def test_fixture_stock_equals_rating_count_and_its_ledger():
    load_fixtures()
    backpack = Product.objects.get(sku="FS-0001")
    assert (backpack.stock, backpack.rating_count, str(backpack.rating_rate)) == (120, 120, "3.90")
    for product in Product.objects.prefetch_related("stock_movements"):
        assert product.stock == sum(m.delta for m in product.stock_movements.all())


def test_users_with_two_carts_keep_only_the_newest_open():
    load_fixtures()
    for user_id in (1, 3):
        statuses = sorted(Cart.objects.filter(user_id=user_id).values_list("status", flat=True))
        assert statuses == ["abandoned", "open"]


@pytest.mark.parametrize(
    ("email", "password"),
    [("john@gmail.com", "m38rmF$"), ("kevin@gmail.com", "kev02937@"), ("jimmie@gmail.com", "klein*#%*")],
)
def test_data_set_logins_work(email, password):
    load_fixtures()
    request = RequestFactory().post("/api/v1/auth/login/")  # the login lock-out needs the request
    assert authenticate(request, email=email, password=password) is not None
    assert authenticate(request, email=email, password="wrong") is None


def test_new_product_after_loading_gets_a_fresh_id():
    load_fixtures()
    product = ProductFactory()
    assert product.pk > 20


def test_committed_fixtures_match_the_converter(tmp_path):
    source = Path(settings.BASE_DIR).parent / "shared" / "data" / "fakestore"
    if not source.exists():
        pytest.skip("../shared/data/fakestore is not beside the project")
    call_command("build_fixtures", source=source, output=tmp_path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for fixture in FIXTURES:
        assert (tmp_path / Path(fixture).name).read_text() == Path(fixture).read_text(), fixture


def test_seed_fixtures_loads_an_empty_shop_and_leaves_a_used_one_alone():
    call_command("seed_fixtures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts()["products"] == 20
    backpack = Product.objects.get(sku="FS-0001")
    Product.objects.filter(pk=backpack.pk).update(price="1.00")

    call_command("seed_fixtures", stdout=open("/dev/null", "w"))  # noqa: SIM115

    backpack.refresh_from_db()
    assert str(backpack.price) == "1.00"


def test_a_fakestore_customer_checks_out_with_standard_shipping_tax_and_a_voucher(client):
    """What `make run` shows: the seeded shop charges shipping, the customers' country's tax and takes WELCOME10."""
    from rest_framework.test import APIClient

    load_fixtures()
    api = APIClient()
    login = api.post("/api/v1/auth/login/", {"email": "john@gmail.com", "password": "m38rmF$"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    cart = api.get("/api/v1/carts/current/").json()
    api.post(f"/api/v1/carts/{cart['id']}/clear/")
    backpack = Product.objects.get(sku="FS-0001")  # 109.95
    api.patch(f"/api/v1/carts/{cart['id']}/", {"add": [{"product": backpack.pk, "quantity": 1}]}, format="json")
    assert api.post(f"/api/v1/carts/{cart['id']}/voucher/", {"code": "welcome10"}, format="json").status_code == 200
    methods = {m["code"]: m["price"] for m in api.get("/api/v1/shipping-methods/?country=US").json()["results"]}
    assert methods == {"standard": "4.99", "express": "14.99"}
    order = api.post(f"/api/v1/carts/{cart['id']}/checkout/", {"shipping_method": "standard"}, format="json")
    assert order.status_code == 201, order.json()
    body = order.json()
    assert (body["subtotal"], body["discount"], body["shipping"], body["tax"], body["total"]) == (
        "109.95",
        "11.00",
        "0.00",
        "8.16",
        "107.11",
    )  # fmt: skip  free over 50; 8.25 % of 98.95
    client.force_login(StaffFactory(is_superuser=True))  # after loading: the fixtures' users take the first ids
    page = client.get(f"/admin/orders/order/{body['id']}/change/").content.decode()
    assert all(text in page for text in ("WELCOME10", "107.11", "8.16", "Standard"))


def test_seed_fixtures_gives_a_shop_seeded_before_pricing_its_shipping_and_tax():
    from shop.pricing.models import ShippingMethod, TaxRate

    ProductFactory()
    call_command("seed_fixtures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(ShippingMethod.objects.values_list("code", flat=True)) == {"standard", "express"}
    assert TaxRate.objects.get().country == "US"
    ShippingMethod.objects.filter(code="express").delete()
    call_command("seed_fixtures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not ShippingMethod.objects.filter(code="express").exists()  # staff's choices stay
