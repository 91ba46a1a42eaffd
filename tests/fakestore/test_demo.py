"""Black-box: the demo mode's customers and carts (FAKESTORE_API=demo), and their absence otherwise."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from shop.accounts.models import User
from shop.carts.models import Cart
from tests.factories import AddressFactory, CartItemFactory, ProductFactory, StaffFactory, UserFactory
from tests.helpers import assert_problem, queries_for_page

pytestmark = pytest.mark.django_db

JOHN = {
    "id": 1,
    "email": "john@gmail.com",
    "username": "johnd",
    "name": {"firstname": "john", "lastname": "doe"},
    "address": {
        "city": "kilcoole",
        "street": "new road",
        "number": 7682,
        "zipcode": "12926-3874",
        "geolocation": {"lat": None, "long": None},
    },
    "phone": "1-570-236-7033",
}
DEMO_PATHS = tuple(f"/fakestore/{path}" for path in ("users", "users/1", "carts", "carts/1", "carts/user/1"))


@pytest.mark.parametrize("path", DEMO_PATHS)
def test_customers_and_carts_are_a_404_in_catalog_mode(client, fakestore_shop, path):
    assert_problem(client.get(path), 404, "not_found")


def test_the_users_are_the_fakestore_customers_without_passwords(client, fakestore_shop, demo):
    users = client.get("/fakestore/users").json()
    assert [user["username"] for user in users] == [
        "johnd", "mor_2314", "kevinryan", "donero", "derek", "david_r", "snyder", "hopkins", "kate_h", "jimmie_k",
    ]  # fmt: skip
    assert users[0] == JOHN
    assert all("password" not in user for user in users)
    assert client.get("/fakestore/users/1").json() == JOHN


def test_users_take_limit_and_sort(client, fakestore_shop, demo):
    assert [u["id"] for u in client.get("/fakestore/users", {"limit": 3, "sort": "desc"}).json()] == [10, 9, 8]


def test_staff_and_deactivated_accounts_are_not_shown(client, fakestore_shop, demo):
    staff = StaffFactory()
    User.objects.filter(pk=2).update(is_active=False)
    shown = {user["id"] for user in client.get("/fakestore/users").json()}
    assert staff.pk not in shown and 2 not in shown
    assert_problem(client.get(f"/fakestore/users/{staff.pk}"), 404, "not_found")
    assert_problem(client.get(f"/fakestore/carts/user/{staff.pk}"), 404, "not_found")


def test_a_user_without_an_address_has_empty_address_fields(client, demo, db):
    user = UserFactory()
    address = client.get(f"/fakestore/users/{user.pk}").json()["address"]
    no_place = {"lat": None, "long": None}
    assert address == {"city": "", "street": "", "number": None, "zipcode": "", "geolocation": no_place}


def test_the_carts_are_the_customers_carts_with_fakestores_fields(client, fakestore_shop, demo):
    carts = client.get("/fakestore/carts").json()
    assert len(carts) == Cart.objects.count() == 7
    first = client.get("/fakestore/carts/1").json()
    assert first == {
        "id": 1,
        "userId": 3,
        "date": "2020-01-01T00:00:00.000Z",
        "products": [{"productId": 1, "quantity": 4}],  # carts.csv: 9,3,2020-01-01 00:00:00,1,4
    }
    assert carts[0] == first


def test_carts_of_one_user(client, fakestore_shop, demo):
    carts = client.get("/fakestore/carts/user/1").json()
    assert {cart["userId"] for cart in carts} == {1} and len(carts) == 2
    assert client.get("/fakestore/carts/user/10").json() == []


def test_carts_between_two_dates_inclusive(client, fakestore_shop, demo):
    dated = client.get("/fakestore/carts", {"startdate": "2020-01-02", "enddate": "2020-03-01"}).json()
    days = sorted(cart["date"][:10] for cart in dated)
    assert days and all("2020-01-02" <= day <= "2020-03-01" for day in days)
    assert "2020-01-02" in days and "2020-03-01" in days
    assert client.get("/fakestore/carts", {"startdate": "2030-01-01"}).json() == []


@pytest.mark.parametrize("params", [{"startdate": "01/02/2020"}, {"enddate": "2020-13-01"}])
def test_a_bad_date_is_a_400(client, fakestore_shop, demo, params):
    assert_problem(client.get("/fakestore/carts", params), 400, "validation_error")


def test_guest_carts_are_not_shown(client, demo, db):
    guest = Cart.objects.create(session_key="guest-session-0001")
    assert guest.pk not in {cart["id"] for cart in client.get("/fakestore/carts").json()}
    assert_problem(client.get(f"/fakestore/carts/{guest.pk}"), 404, "not_found")


def test_user_and_cart_lists_make_a_fixed_number_of_queries(client, demo, db):
    def add_customer():
        user = UserFactory()
        AddressFactory(user=user, is_default=True)
        CartItemFactory(cart__user=user, product=ProductFactory())

    add_customer()
    few = (queries_for_page(client, "/fakestore/users"), queries_for_page(client, "/fakestore/carts"))
    for _ in range(15):
        add_customer()
    assert (queries_for_page(client, "/fakestore/users"), queries_for_page(client, "/fakestore/carts")) == few


def test_check_deploy_warns_when_the_demo_mode_is_on_without_debug(settings, demo):
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match=r"fakestore\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


@pytest.mark.parametrize(("mode", "debug"), [("catalog", False), ("off", False), ("demo", True)])
def test_check_deploy_is_quiet_otherwise(settings, capsys, mode, debug):
    settings.FAKESTORE_API, settings.DEBUG = mode, debug
    from shop.fakestore.checks import demo_mode_in_production

    assert demo_mode_in_production() == []
