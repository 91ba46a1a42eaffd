import pytest

from shop.accounts.models import Address
from tests.accounts.utils import assert_problem
from tests.factories import AddressFactory, UserFactory
from tests.helpers import assert_fields_refused

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/addresses/"
NEW = {"label": "Work", "line1": "1 Main St", "city": "Springfield", "postcode": "12345", "country": "US"}


def detail(address) -> str:
    return f"{ADDRESSES}{address.pk}/"


def test_anonymous_callers_get_401(api_client, customer):
    address = AddressFactory(user=customer)
    assert_problem(api_client.get(ADDRESSES), 401, "not_authenticated")
    assert_problem(api_client.get(detail(address)), 401, "not_authenticated")
    assert_problem(api_client.post(ADDRESSES, NEW), 401, "not_authenticated")


def test_a_customer_lists_only_their_own_addresses(customer_client, customer, other_customer):
    mine = AddressFactory(user=customer)
    AddressFactory(user=other_customer)
    body = customer_client.get(ADDRESSES).json()
    assert [a["id"] for a in body["results"]] == [mine.pk]
    assert set(body["results"][0]) == {
        "id", "user", "label", "line1", "line2", "city", "postcode", "country", "phone", "is_default",
    }  # fmt: skip


def test_a_customer_cannot_choose_the_user_or_id_of_a_new_address(customer_client, customer, other_customer):
    response = customer_client.post(ADDRESSES, {**NEW, "user": other_customer.pk, "id": 999})
    assert_fields_refused(response, read_only=("user", "id"))
    assert not Address.objects.exists()


def test_a_customer_creates_an_address_for_themselves(customer_client, customer):
    response = customer_client.post(ADDRESSES, NEW)
    assert response.status_code == 201
    address = Address.objects.get(pk=response.json()["id"])
    assert address.user == customer
    assert response.json()["user"] == customer.pk


def test_someone_elses_address_is_a_404_and_stays_unchanged(customer_client, other_customer):
    theirs = AddressFactory(user=other_customer, city="Paris")
    assert_problem(customer_client.get(detail(theirs)), 404, "not_found")
    assert_problem(customer_client.patch(detail(theirs), {"city": "Rome"}), 404, "not_found")
    assert_problem(customer_client.put(detail(theirs), NEW), 404, "not_found")
    assert_problem(customer_client.delete(detail(theirs)), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.city == "Paris"


def test_a_customer_updates_and_deletes_their_address_but_cannot_move_it(customer_client, customer, other_customer):
    address = AddressFactory(user=customer)
    moved = customer_client.patch(detail(address), {"city": "Rome", "user": other_customer.pk})
    assert_fields_refused(moved, read_only=("user",))
    address.refresh_from_db()
    assert address.user == customer
    assert address.city != "Rome"
    assert customer_client.patch(detail(address), {"city": "Rome"}).status_code == 200
    address.refresh_from_db()
    assert address.city == "Rome"
    assert customer_client.delete(detail(address)).status_code == 204
    assert not Address.objects.filter(pk=address.pk).exists()


def test_a_new_default_replaces_the_previous_one(customer_client, customer, other_customer):
    first = AddressFactory(user=customer, is_default=True)
    theirs = AddressFactory(user=other_customer, is_default=True)
    response = customer_client.post(ADDRESSES, {**NEW, "is_default": True})
    assert response.status_code == 201
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.is_default is False
    assert theirs.is_default is True
    assert Address.objects.get(pk=response.json()["id"]).is_default is True


def test_making_an_existing_address_default_unsets_the_old_default(customer_client, customer):
    old = AddressFactory(user=customer, is_default=True)
    new = AddressFactory(user=customer)
    assert customer_client.patch(detail(new), {"is_default": True}).status_code == 200
    assert list(Address.objects.filter(user=customer, is_default=True)) == [new]
    old.refresh_from_db()
    assert old.is_default is False


@pytest.mark.parametrize("country", ["us", "USA", "XX", "U", "", "12"])
def test_country_must_be_an_iso_alpha2_code_in_capitals(customer_client, country):
    body = assert_problem(customer_client.post(ADDRESSES, {**NEW, "country": country}), 400, "validation_error")
    assert list(body["errors"]) == ["country"]
    assert not Address.objects.exists()


def test_required_address_fields_are_reported(customer_client):
    body = assert_problem(customer_client.post(ADDRESSES, {}), 400, "validation_error")
    assert set(body["errors"]) == {"line1", "city", "postcode", "country"}


def test_staff_see_every_address_and_filter_by_user(staff_client, customer, other_customer):
    mine = AddressFactory(user=customer)
    AddressFactory(user=other_customer)
    assert staff_client.get(ADDRESSES).json()["count"] == 2
    assert [a["id"] for a in staff_client.get(ADDRESSES, {"user": customer.pk}).json()["results"]] == [mine.pk]


def test_staff_file_an_address_under_any_user_or_themselves(staff_client, staff, customer):
    response = staff_client.post(ADDRESSES, {**NEW, "user": customer.pk})
    assert response.status_code == 201
    assert Address.objects.get(pk=response.json()["id"]).user == customer
    response = staff_client.post(ADDRESSES, NEW)
    assert Address.objects.get(pk=response.json()["id"]).user == staff


def test_staff_moving_a_default_address_unsets_the_new_owners_default(staff_client, customer, other_customer):
    moving = AddressFactory(user=customer, is_default=True)
    theirs = AddressFactory(user=other_customer, is_default=True)
    assert staff_client.patch(detail(moving), {"user": other_customer.pk}).status_code == 200
    theirs.refresh_from_db()
    assert theirs.is_default is False
    assert list(Address.objects.filter(user=other_customer, is_default=True)) == [moving]


def test_staff_naming_a_missing_user_is_a_400(staff_client):
    body = assert_problem(staff_client.post(ADDRESSES, {**NEW, "user": 999999}), 400, "validation_error")
    assert list(body["errors"]) == ["user"]


def test_a_customer_filtering_by_another_user_sees_nothing(customer_client, other_customer):
    AddressFactory(user=other_customer)
    assert customer_client.get(ADDRESSES, {"user": other_customer.pk}).json()["count"] == 0


@pytest.mark.parametrize("params", [{"user": "abc"}, {"user": "1.5"}, {"is_default": "yes"}, {"ordering": "line2"}])
def test_invalid_address_filters_are_a_400(staff_client, params):
    body = assert_problem(staff_client.get(ADDRESSES, params), 400, "validation_error")
    assert list(body["errors"]) == list(params)


def test_addresses_filter_by_is_default_and_search(customer_client, customer):
    default = AddressFactory(user=customer, is_default=True, city="Oslo", line1="1 Main Street")
    AddressFactory(user=customer, city="Bergen", line1="2 Main Street")
    assert [a["id"] for a in customer_client.get(ADDRESSES, {"is_default": "true"}).json()["results"]] == [default.pk]
    assert [a["city"] for a in customer_client.get(ADDRESSES, {"search": "berg"}).json()["results"]] == ["Bergen"]
    assert [a["city"] for a in customer_client.get(ADDRESSES, {"ordering": "city"}).json()["results"]] == [
        "Bergen",
        "Oslo",
    ]


@pytest.mark.parametrize("page_size", [1, 100])
def test_address_list_makes_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, page_size):
    users = UserFactory.create_batch(5)
    for n in range(110):
        AddressFactory(user=users[n % 5])
    with django_assert_max_num_queries(3):  # authenticating user, count, page
        response = staff_client.get(ADDRESSES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
