"""Users and groups: staff flags, group and permission changes are logged; a password change is logged as
"changed" and its value (or hash) is stored nowhere in the log."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from shop.accounts.models import User
from shop.backoffice.audit.tracking import MASK
from tests.admin.test_import_export import import_file
from tests.backoffice.helpers import entries_of, last_entry, source
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-secret-7"


def user_form(user, **changes) -> dict:
    data = {
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name, "phone": user.phone,
        "is_active": "on", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
        "groups": [g.pk for g in user.groups.all()], "user_permissions": [p.pk for p in user.user_permissions.all()],
        "addresses-TOTAL_FORMS": 0, "addresses-INITIAL_FORMS": 0, "wishlist-TOTAL_FORMS": 0,
        "wishlist-INITIAL_FORMS": 0,
    }  # fmt: skip
    data.update(changes)
    return data


def assert_no_secret_in_log(user, *secrets):
    stored = json.dumps([[e.changes, e.changes_text, e.additional_data, e.serialized_data] for e in entries_of(user)])
    user.refresh_from_db()
    for secret in (*secrets, user.password, user.password.split("$")[-1]):
        assert secret not in stored


def test_admin_granting_staff_and_a_group_logs_the_flag_and_the_group(admin_client, superuser):
    user, group = UserFactory(), Group.objects.create(name="Catalog managers")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, user_form(user, is_staff="on", groups=[group.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    flags, groups = entries_of(user)[-2:]
    assert flags.changes == {"is_staff": [False, True]}
    assert groups.changes == {"groups": {"type": "m2m", "operation": "add", "objects": ["Catalog managers"]}}
    assert {flags.actor, groups.actor} == {superuser}
    assert {source(flags), source(groups)} == {"admin"}


def test_admin_removing_a_user_permission_logs_it(admin_client):
    permission = Permission.objects.get(codename="change_product")
    user = UserFactory()
    user.user_permissions.add(permission)
    admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, user_permissions=[]))
    change = last_entry(user).changes["user_permissions"]
    assert (change["operation"], len(change["objects"])) == ("delete", 1)


def test_admin_password_change_logs_changed_and_no_value(admin_client, superuser):
    user = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    entry = last_entry(user)
    assert set(entry.changes) == {"password"}
    assert (entry.actor, source(entry)) == (superuser, "admin")
    assert_no_secret_in_log(user, NEW_PASSWORD)


def test_api_password_change_logs_changed_with_the_token_user(customer_client, customer):
    response = customer_client.post(
        "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    entry = last_entry(customer)
    assert list(entry.changes) == ["password"]
    assert (entry.actor, source(entry)) == (customer, "api")
    assert_no_secret_in_log(customer, NEW_PASSWORD, PASSWORD)


def test_api_staff_patch_logs_flags_and_a_password_without_its_value(superuser_client, superuser, customer):
    body = {"is_staff": True, "is_active": False, "password": NEW_PASSWORD}
    response = superuser_client.patch(f"/api/v1/users/{customer.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    entry = last_entry(customer)
    assert entry.changes["is_staff"] == [False, True]
    assert entry.changes["is_active"] == [True, False]
    assert "password" in entry.changes
    assert (entry.actor, source(entry)) == (superuser, "api")
    assert_no_secret_in_log(customer, NEW_PASSWORD)


def test_a_login_writes_no_entry(api_client, customer):
    before = LogEntry.objects.count()
    response = api_client.post("/api/v1/auth/login/", {"email": customer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert LogEntry.objects.count() == before  # last_login is not audited


def test_user_creation_logs_the_account_without_the_password_value(staff_client, staff):
    response = staff_client.post("/api/v1/users/", {"email": "new@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 201, response.content
    user = User.objects.get(email="new@example.com")
    entry = last_entry(user)
    assert (entry.action, entry.actor, entry.changes["email"]) == (LogEntry.Action.CREATE, staff, [None, user.email])
    assert_no_secret_in_log(user, NEW_PASSWORD)


def test_setup_roles_logs_the_group_permissions_it_sets(roles):
    entries = entries_of(roles["Catalog managers"])
    assert entries[0].action == LogEntry.Action.CREATE
    assert any(e.changes.get("permissions", {}).get("operation") == "add" for e in entries)
    assert source(entries[0]) == "command"


def test_the_user_import_writes_in_bulk_and_is_logged_as_import(admin_client, superuser):
    old = UserFactory(email="old@example.com", first_name="Old")
    content = "email,first_name,last_name,phone,is_active\nnew@example.com,New,One,,1\nold@example.com,Renamed,,,0\n"
    assert import_file(admin_client, User, content).status_code == 302
    created = last_entry(User.objects.get(email="new@example.com"))
    assert (created.action, created.changes["email"]) == (LogEntry.Action.CREATE, [None, "new@example.com"])
    assert created.changes["password"] == [MASK, MASK]
    updated = last_entry(old)
    assert updated.changes["first_name"] == ["Old", "Renamed"]
    assert updated.changes["is_active"] == [True, False]
    for entry in (created, updated):
        assert (entry.actor, source(entry)) == (superuser, "import")


def test_a_customer_deleting_their_account_is_logged_with_their_email(customer_client, customer):
    email, pk = customer.email, customer.pk
    assert customer_client.delete(f"/api/v1/users/{pk}/").status_code == 204
    entry = LogEntry.objects.get(object_pk=str(pk), action=LogEntry.Action.DELETE, content_type__model="user")
    assert (entry.actor_id, entry.actor_email, source(entry)) == (None, email, "api")
