from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shop.carts import tasks
from shop.carts.models import Cart
from tests.factories import CartFactory

pytestmark = pytest.mark.django_db


def test_abandon_task_abandons_idle_carts(settings):
    settings.CART_ABANDON_TTL_MINUTES = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        idle = CartFactory()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert tasks.abandon_stale_carts.apply().get() == 1
        assert tasks.abandon_stale_carts.apply().get() == 0
    assert Cart.objects.get(pk=idle.pk).status == Cart.Status.ABANDONED
