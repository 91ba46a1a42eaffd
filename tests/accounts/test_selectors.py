import pytest
from django.contrib.auth.models import AnonymousUser

from shop.accounts import selectors
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def test_staff_see_every_user_and_a_customer_only_themselves(staff, customer, other_customer):
    assert list(selectors.user_list(user=staff)) == [staff, customer, other_customer]
    assert list(selectors.user_list(user=customer)) == [customer]
    assert list(selectors.user_list(user=AnonymousUser())) == []


def test_staff_see_every_address_and_a_customer_only_their_own(staff, customer, other_customer):
    mine, theirs = AddressFactory(user=customer), AddressFactory(user=other_customer)
    assert list(selectors.address_list(user=staff)) == [mine, theirs]
    assert list(selectors.address_list(user=customer)) == [mine]
    assert list(selectors.address_list(user=AnonymousUser())) == []
