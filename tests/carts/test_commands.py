from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from shop.carts.models import Cart
from tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def test_abandon_stale_carts_prints_how_many_it_abandoned(settings):
    settings.CART_ABANDON_TTL_MINUTES = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stale = [CartItemFactory().cart, CartFactory(user=None, session_key="guest-session-stale1")]
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        fresh = CartFactory()
    out = StringIO()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        call_command("abandon_stale_carts", stdout=out)
    assert "Abandoned 2 cart(s)" in out.getvalue()
    assert set(Cart.objects.filter(status="abandoned").values_list("pk", flat=True)) == {c.pk for c in stale}
    assert Cart.objects.get(pk=fresh.pk).status == "open"
