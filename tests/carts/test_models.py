import pytest
from django.db import IntegrityError, transaction

from shop.carts.models import Cart
from tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_two_open_carts_for_one_user(customer):
    CartFactory(user=customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        CartFactory(user=customer)


def test_user_may_have_open_and_abandoned_carts(customer):
    CartFactory(user=customer, status=Cart.Status.ABANDONED)
    CartFactory(user=customer)
    assert customer.carts.count() == 2


def test_database_refuses_two_open_carts_for_one_session():
    CartFactory(user=None, session_key="guest-session-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        CartFactory(user=None, session_key="guest-session-0001")


def test_database_refuses_a_cart_without_owner():
    with pytest.raises(IntegrityError), transaction.atomic():
        CartFactory(user=None, session_key=None)


@pytest.mark.parametrize("quantity", [0, 1000])
def test_database_refuses_item_quantity_out_of_range(quantity):
    with pytest.raises(IntegrityError), transaction.atomic():
        CartItemFactory(quantity=quantity)
