import pytest

from shop.accounts.models import User
from tests.accounts.utils import assert_problem, login
from tests.conftest import client_for
from tests.factories import PASSWORD, OrderFactory, StaffFactory, UserFactory
from tests.helpers import assert_fields_refused

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"


def detail(user) -> str:
    return f"{USERS}{user.pk}/"


# --- permissions ----------------------------------------------------------------------------------


def test_anonymous_callers_get_401_everywhere(api_client, customer):
    assert_problem(api_client.get(USERS), 401, "not_authenticated")
    assert_problem(api_client.get(detail(customer)), 401, "not_authenticated")
    assert_problem(api_client.post(USERS, {"email": "a@example.com"}), 401, "not_authenticated")


def test_a_customer_may_not_list_or_create_users(customer_client):
    assert_problem(customer_client.get(USERS), 403, "permission_denied")
    response = customer_client.post(USERS, {"email": "new@example.com", "password": PASSWORD})
    assert_problem(response, 403, "permission_denied")
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_customer_reads_their_own_user(customer_client, customer):
    response = customer_client.get(detail(customer))
    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "email": customer.email,
        "username": None,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": "",
        "is_staff": False,
        "date_joined": response.json()["date_joined"],
    }


def test_someone_elses_user_is_a_404_for_a_customer(customer_client, other_customer, staff):
    for target in (other_customer, staff):
        assert_problem(customer_client.get(detail(target)), 404, "not_found")
        assert_problem(customer_client.patch(detail(target), {"first_name": "X"}), 404, "not_found")
        assert_problem(customer_client.delete(detail(target)), 404, "not_found")
    other_customer.refresh_from_db()
    assert other_customer.first_name != "X"


def test_a_customer_patches_their_names_but_never_email_or_is_active(customer_client, customer):
    payload = {"last_name": "Hopper", "is_active": False, "email": "z@z.io", "is_staff": False}
    response = customer_client.patch(detail(customer), payload)
    assert_fields_refused(response, unknown=("is_active",), read_only=("is_staff", "email"))
    customer.refresh_from_db()
    assert customer.last_name != "Hopper"
    assert (customer.is_staff, customer.is_superuser, customer.is_active) == (False, False, True)
    assert customer.email != "z@z.io"
    assert customer_client.patch(detail(customer), {"last_name": "Hopper"}).status_code == 200
    customer.refresh_from_db()
    assert customer.last_name == "Hopper"


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}, {"groups": [1]}])
def test_a_customer_trying_to_raise_their_own_account_gets_403(customer_client, customer, flags):
    response = customer_client.patch(detail(customer), {"last_name": "Hopper", **flags})
    assert_problem(response, 403, "permission_denied")
    customer.refresh_from_db()
    assert (customer.last_name, customer.is_staff, customer.is_superuser) != ("Hopper", True, True)
    assert not customer.groups.exists()


def test_a_customer_cannot_set_a_password_through_users(customer_client, customer):
    customer_client.patch(detail(customer), {"password": "a-brand-new-secret-7"})
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_a_customer_deletes_their_own_account(customer_client, customer):
    assert customer_client.delete(detail(customer)).status_code == 204
    assert not User.objects.filter(pk=customer.pk).exists()


def test_a_user_with_orders_cannot_be_deleted(staff_client, customer):
    OrderFactory(user=customer)
    assert_problem(staff_client.delete(detail(customer)), 409, "conflict")
    assert User.objects.filter(pk=customer.pk).exists()


# --- staff ----------------------------------------------------------------------------------------


def test_staff_list_every_user_with_staff_fields(staff_client, customer, staff):
    response = staff_client.get(USERS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {customer.pk, staff.pk}
    assert set(body["results"][0]) == {
        "id", "email", "username", "first_name", "last_name", "phone", "is_staff", "date_joined", "is_active",
    }  # fmt: skip


def test_staff_create_a_user_with_a_password_that_can_log_in(staff_client, api_client):
    payload = {"email": "Clerk@Example.com", "password": PASSWORD, "first_name": "Cle"}
    response = staff_client.post(USERS, payload)
    assert response.status_code == 201
    assert "password" not in response.json()
    user = User.objects.get(pk=response.json()["id"])
    assert (user.email, user.is_staff, user.is_superuser) == ("clerk@example.com", False, False)
    assert login(api_client, user)["access"]


def test_only_a_superuser_creates_a_staff_member(staff_client, superuser_client):
    payload = {"email": "clerk@example.com", "password": PASSWORD, "is_staff": True}
    assert_problem(staff_client.post(USERS, payload), 403, "permission_denied")
    assert not User.objects.filter(email="clerk@example.com").exists()
    assert superuser_client.post(USERS, payload).json()["is_staff"] is True


def test_staff_create_needs_a_valid_password_and_free_email(staff_client, customer):
    body = assert_problem(staff_client.post(USERS, {"email": "x@example.com"}), 400, "validation_error")
    assert list(body["errors"]) == ["password"]
    body = assert_problem(
        staff_client.post(USERS, {"email": "x@example.com", "password": "1"}), 400, "validation_error"
    )
    assert list(body["errors"]) == ["password"]
    body = assert_problem(
        staff_client.post(USERS, {"email": customer.email.upper(), "password": PASSWORD}), 400, "validation_error"
    )
    assert list(body["errors"]) == ["email"]
    assert User.objects.count() == 2


def test_staff_can_never_set_is_superuser_and_never_id(staff_client, superuser_client, customer):
    assert_problem(staff_client.patch(detail(customer), {"is_superuser": True}), 403, "permission_denied")
    response = superuser_client.patch(detail(customer), {"is_superuser": True, "id": 12345})
    # not a field of the API (the admin is where superusers make superusers): refused by name, nothing changed
    assert_fields_refused(response, unknown=("is_superuser",), read_only=("id",))
    customer.refresh_from_db()
    assert not customer.is_superuser
    customer.refresh_from_db()
    assert customer.is_superuser is False
    assert not User.objects.filter(pk=12345).exists()


def test_staff_deactivate_accounts_and_only_a_superuser_grants_is_staff(
    staff_client, superuser_client, api_client, customer
):
    session = login(api_client, customer)
    assert_problem(staff_client.patch(detail(customer), {"is_staff": True}), 403, "permission_denied")
    assert staff_client.patch(detail(customer), {"is_active": False}).status_code == 200
    assert superuser_client.patch(detail(customer), {"is_staff": True}).status_code == 200
    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_active) == (True, False)
    assert_problem(api_client.post("/api/v1/auth/refresh/", {"refresh": session["refresh"]}), 401, "not_authenticated")


def test_staff_change_email_to_a_free_one_only(staff_client, customer, other_customer):
    body = assert_problem(
        staff_client.patch(detail(customer), {"email": other_customer.email.upper()}), 400, "validation_error"
    )
    assert list(body["errors"]) == ["email"]
    assert staff_client.patch(detail(customer), {"email": "Fresh@Example.com"}).json()["email"] == "fresh@example.com"


def test_staff_setting_a_password_revokes_the_users_refresh_tokens(staff_client, api_client, customer):
    session = login(api_client, customer)
    assert staff_client.patch(detail(customer), {"password": "a-brand-new-secret-7"}).status_code == 200
    customer.refresh_from_db()
    assert customer.check_password("a-brand-new-secret-7")
    assert_problem(api_client.post("/api/v1/auth/refresh/", {"refresh": session["refresh"]}), 401, "not_authenticated")


def test_staff_put_replaces_the_profile(staff_client, customer):
    payload = {"email": customer.email, "first_name": "A", "last_name": "B", "phone": "1", "is_staff": False}
    assert staff_client.put(detail(customer), payload).status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone) == ("A", "B", "1")


def test_staff_delete_a_user(staff_client, customer):
    assert staff_client.delete(detail(customer)).status_code == 204
    assert_problem(staff_client.get(detail(customer)), 404, "not_found")


# --- filters, search, ordering, pagination --------------------------------------------------------


def test_users_filter_by_is_staff_and_search_by_name(staff_client, staff):
    UserFactory(first_name="Zelda", email="zelda@example.com")
    UserFactory(first_name="Mario")
    assert [u["id"] for u in staff_client.get(USERS, {"is_staff": "true"}).json()["results"]] == [staff.pk]
    assert staff_client.get(USERS, {"is_staff": "false"}).json()["count"] == 2
    assert [u["first_name"] for u in staff_client.get(USERS, {"search": "zeld"}).json()["results"]] == ["Zelda"]


def test_users_order_by_email_and_date_joined(staff_client, staff):
    UserFactory(email="b@example.com")
    UserFactory(email="a@example.com")
    emails = [u["email"] for u in staff_client.get(USERS, {"ordering": "email"}).json()["results"]]
    assert emails == sorted(emails)
    newest_first = staff_client.get(USERS, {"ordering": "-date_joined"}).json()["results"]
    assert [u["date_joined"] for u in newest_first] == sorted((u["date_joined"] for u in newest_first), reverse=True)


def test_users_filter_by_date_joined_range(staff_client, staff):
    old = UserFactory(date_joined="2020-01-01T00:00:00Z")
    response = staff_client.get(USERS, {"date_joined_before": "2021-01-01T00:00:00Z"})
    assert [u["id"] for u in response.json()["results"]] == [old.pk]


@pytest.mark.parametrize(
    "params",
    [{"is_staff": "maybe"}, {"is_active": "2"}, {"date_joined_after": "yesterday"}, {"ordering": "password"}],
)
def test_invalid_user_filters_are_a_400(staff_client, params):
    body = assert_problem(staff_client.get(USERS, params), 400, "validation_error")
    assert set(body["errors"]) <= {*params, "date_joined"}


@pytest.mark.parametrize("page_size", [1, 100])
def test_user_list_makes_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, page_size):
    StaffFactory.create_batch(3)
    UserFactory.create_batch(120)
    with django_assert_max_num_queries(5):  # authenticating user, its permissions (own, groups), count, page
        response = staff_client.get(USERS, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_user_list_pagination_bounds(staff_client):
    assert_problem(staff_client.get(USERS, {"page_size": 0}), 400, "validation_error")
    assert_problem(staff_client.get(USERS, {"page": 99}), 404, "not_found")
    assert len(staff_client.get(USERS, {"limit": 1}).json()["results"]) == 1


def test_a_deleted_users_access_token_stops_working(customer, staff_client):
    client = client_for(customer)
    staff_client.delete(detail(customer))
    assert_problem(client.get("/api/v1/auth/me/"), 401, "not_authenticated")
