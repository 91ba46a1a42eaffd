import pytest
from django.db import IntegrityError, transaction

from shop.accounts.models import User
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_logs_in_by_email_and_email_is_case_insensitive_unique():
    User.objects.create_user("Ann@Example.com", "pw-12345-long")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="ANN@example.com")


def test_only_one_default_address_per_user(customer):
    AddressFactory(user=customer, is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(user=customer, is_default=True)


def test_address_country_must_be_iso_alpha2(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(user=customer, country="us")
