from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from shop.accounts import services, tokens
from shop.accounts.models import Address
from tests.accounts.utils import refresh_for
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_create_reports_a_lost_email_race_as_email_taken(monkeypatch, customer):
    monkeypatch.setattr(services, "email_in_use", lambda *args, **kwargs: False)  # the check ran before the rival
    with pytest.raises(services.EmailTaken) as raised:
        services.user_create(email=customer.email.upper(), password="x-long-password-1")
    assert raised.value.extra == {"errors": {"email": [services.EMAIL_TAKEN]}}


def test_user_create_refuses_unknown_fields():
    with pytest.raises(TypeError):
        services.user_create(email="a@example.com", password="x", is_superuser=True)


def test_revoke_all_skips_expired_and_already_revoked_tokens(customer):
    live, revoked, expired = refresh_for(customer), refresh_for(customer), refresh_for(customer)
    tokens.revoke_refresh(revoked, user=customer)
    OutstandingToken.objects.filter(token=expired).update(expires_at=timezone.now() - timedelta(seconds=1))
    tokens.revoke_all_refresh(user=customer)
    revoked_tokens = set(BlacklistedToken.objects.values_list("token__token", flat=True))
    assert revoked_tokens == {live, revoked}


def test_rotate_refuses_a_token_recorded_for_another_user(customer, other_customer):
    raw = refresh_for(customer)
    OutstandingToken.objects.filter(token=raw).update(user=other_customer)
    with pytest.raises(tokens.RefreshRejected):
        tokens.rotate_refresh(raw)


def test_address_update_without_default_keeps_the_existing_default(customer):
    default = AddressFactory(user=customer, is_default=True)
    other = AddressFactory(user=customer)
    services.address_update(address=other, city="Oslo")
    default.refresh_from_db()
    assert default.is_default is True
    assert Address.objects.filter(user=customer, is_default=True).count() == 1


def test_password_reset_mail_is_not_sent_to_a_user_without_a_usable_password(mailoutbox):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    assert services.password_reset_mail_send(email=user.email) is False
    assert mailoutbox == []
