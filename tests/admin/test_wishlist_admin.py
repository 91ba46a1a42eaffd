"""A customer's wishlist, read-only on their admin page (shop.backoffice.admin.CustomerAdmin)."""

import pytest
from django.urls import reverse

from shop.catalog.wishlist import wishlist_add
from tests.admin.helpers import editable_widgets
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def customer_page(client, customer) -> str:
    response = client.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["admin_client", "order_client"])
def test_the_customer_page_lists_the_wishlist_read_only(request, who):
    client = request.getfixturevalue(who)
    customer = UserFactory()
    wished = ProductFactory(title="Wished <b>lamp</b>")
    wishlist_add(user=customer, product=wished)
    html = customer_page(client, customer)
    assert "Wishlist" in html
    assert "Wished &lt;b&gt;lamp&lt;/b&gt;" in html
    assert not [name for name in editable_widgets(html) if name.startswith("wishlist-")]


def test_posting_the_customer_page_leaves_the_wishlist_alone(admin_client):
    customer = UserFactory()
    item, _ = wishlist_add(user=customer, product=ProductFactory())
    data = {
        "email": customer.email, "first_name": "New", "last_name": "", "phone": "", "is_active": "on",
        "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
        "addresses-TOTAL_FORMS": 0, "addresses-INITIAL_FORMS": 0,
        "wishlist-TOTAL_FORMS": 1, "wishlist-INITIAL_FORMS": 1, "wishlist-0-id": item.pk,
        "wishlist-0-user": customer.pk, "wishlist-0-DELETE": "on",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:accounts_user_change", args=[customer.pk]), data)
    assert response.status_code == 302
    assert customer.wishlist.count() == 1
