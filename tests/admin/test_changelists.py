"""Every changelist makes a fixed number of queries, whatever the page size."""

import pytest
from django.utils import timezone

from shop.accounts.models import Address, User
from shop.catalog.models import Rating, StockMovement
from shop.orders.models import IdempotencyKey
from tests.admin.helpers import changelist, set_page_size
from tests.factories import AddressFactory, ProductFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _seed():
    for _ in range(12):
        user = UserFactory()
        AddressFactory(user=user)
        product = ProductFactory()
        RatingFactory(user=user, product=product)
        IdempotencyKey.objects.create(
            user=user,
            key=f"k-{user.pk}",
            request_fingerprint="f",
            expires_at=timezone.now() + timezone.timedelta(hours=1),
        )


@pytest.mark.parametrize("model", [User, Address, Rating, StockMovement, IdempotencyKey])
@pytest.mark.parametrize("page_size", [1, 100])
def test_changelist_query_count_does_not_grow_with_the_page(
    admin_client, monkeypatch, django_assert_max_num_queries, model, page_size
):
    _seed()
    set_page_size(monkeypatch, model, page_size)
    with django_assert_max_num_queries(9):
        response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(page_size, model.objects.count())
