"""Nothing lost: `dumpdata` of a database filled by `generate_data`, loaded into an emptied database,
gives the same API answers for every list (run on SQLite and, with DATABASE_URL, on PostgreSQL)."""

import pytest
from django.core.management import call_command

from shop.accounts.models import User
from tests.conftest import client_for
from tests.factories import ReviewFactory, StaffFactory

LISTS = ("users", "addresses", "categories", "products", "carts", "orders")
# Rebuilt by `migrate`/`flush` themselves; every other table goes into the dump.
NOT_DUMPED = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


def _every_page(client, path: str) -> list:
    rows, url = [], f"/api/v1/{path}/?page_size=100"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (path, response.content[:200])
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return sorted(rows, key=lambda row: row["id"])  # default orderings may tie: compare by id


def _answers(staff, customer) -> dict:
    """Every list as staff (everything), the catalog as a customer and anonymous, and some details."""
    staff_client, customer_client = client_for(staff), client_for(customer)
    answers = {f"staff {name}": _every_page(staff_client, name) for name in LISTS}
    answers["customer orders"] = _every_page(customer_client, "orders")
    answers["customer products"] = _every_page(customer_client, "products")
    products = [row["id"] for row in answers["staff products"][:10]]
    answers["ratings"] = [customer_client.get(f"/api/v1/products/{pk}/rating/").json() for pk in products]
    return answers


@pytest.mark.django_db(transaction=True)
def test_dump_and_load_into_an_emptied_database_keeps_every_answer(tmp_path):
    sizes = {"products": 40, "categories": 6, "users": 12, "carts": 10, "orders": 25}
    call_command("generate_data", seed=7, no_progress=True, verbosity=0, **sizes)
    staff = StaffFactory(is_superuser=True)  # sees everything without permission rows (not dumped)
    customer = User.objects.get(pk=_every_page(client_for(staff), "orders")[0]["user"])
    ReviewFactory(user=customer)
    before = _answers(staff, customer)
    assert all(before[f"staff {name}"] for name in LISTS), {k: len(v) for k, v in before.items()}

    # XML, not JSON: Django's JSON encoder cuts times to milliseconds, so a JSON dump changes every
    # `created_at`/`updated_at` answer (microseconds) - a loss this test caught.
    dump = tmp_path / "shop.xml"
    call_command(
        "dumpdata",
        format="xml",
        natural_foreign=True,
        exclude=list(NOT_DUMPED),
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()
    call_command("loaddata", str(dump), verbosity=0)

    after = _answers(staff, customer)
    for name, rows in before.items():
        for old, new in zip(rows, after[name], strict=True):
            assert new == old, (name, {k: (old[k], new.get(k)) for k in old if old[k] != new.get(k)})
