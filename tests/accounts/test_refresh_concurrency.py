"""Races on PostgreSQL: refresh tokens stay single use, and a user keeps exactly one default address."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from shop.accounts.models import Address
from tests.accounts.utils import refresh_for
from tests.conftest import client_for
from tests.factories import AddressFactory, UserFactory

THREADS = 8


def run_together(request, threads: int = THREADS) -> list:
    """Call `request()` from `threads` threads released at once; the results, in finishing order."""
    barrier = threading.Barrier(threads)
    results = []
    lock = threading.Lock()

    def worker():
        try:
            connection.ensure_connection()  # connect before the start line so the requests really overlap
            barrier.wait(timeout=30)
            result = request()
            with lock:
                results.append(result)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    return results


def _race(raw: str) -> list[int]:
    return run_together(lambda: APIClient().post("/api/v1/auth/refresh/", {"refresh": raw}, format="json").status_code)


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))  # several rounds: an unlocked rotation would not pass them all
def test_simultaneous_refreshes_of_one_token_succeed_exactly_once(transactional_db, round_):
    user = UserFactory()
    raw = refresh_for(user)
    statuses = _race(raw)
    assert sorted(statuses) == [200] + [401] * (THREADS - 1)
    # the presented token plus exactly one successor were recorded; only the presented one is revoked
    assert OutstandingToken.objects.filter(user=user).count() == 2
    assert list(BlacklistedToken.objects.filter(token__user=user).values_list("token__token", flat=True)) == [raw]


@pytest.mark.postgres
def test_simultaneous_new_default_addresses_leave_exactly_one_default(transactional_db):
    user = UserFactory()
    AddressFactory(user=user, is_default=True)
    body = {"line1": "1 Main St", "city": "Oslo", "postcode": "0150", "country": "NO", "is_default": True}
    statuses = run_together(lambda: client_for(user).post("/api/v1/addresses/", body, format="json").status_code)
    assert statuses == [201] * THREADS
    assert Address.objects.filter(user=user, is_default=True).count() == 1
