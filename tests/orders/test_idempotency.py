from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from shop.carts.models import CartItem
from shop.catalog.models import Product
from shop.orders import services
from shop.orders.idempotency import request_fingerprint
from shop.orders.models import IdempotencyKey, Order
from tests.conftest import client_for
from tests.factories import AddressFactory, CartWithLinesFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def checkout(client, cart, key, body=None):
    return client.post(f"/api/v1/carts/{cart.pk}/checkout/", body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_fingerprint_is_canonical_json():
    assert request_fingerprint(scope="cart:1", body={"a": 1, "b": 2}) == request_fingerprint(
        scope="cart:1", body={"b": 2, "a": 1}
    )
    assert request_fingerprint(scope="cart:1", body={}) != request_fingerprint(scope="cart:2", body={})


def test_a_retry_with_the_same_key_replays_the_answer_and_creates_nothing(customer_client, customer):
    cart = CartWithLinesFactory(user=customer)
    first = checkout(customer_client, cart, "key-1")
    second = checkout(customer_client, cart, "key-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert second["Location"] == first["Location"] and first["Location"].endswith(f"/orders/{first.json()['id']}/")
    assert Order.objects.count() == 1


def test_the_same_key_with_another_body_is_422(customer_client, customer):
    cart = CartWithLinesFactory(user=customer)
    address = AddressFactory(user=customer, is_default=False)
    checkout(customer_client, cart, "key-2")
    response = checkout(customer_client, cart, "key-2", {"shipping_address": address.pk})
    assert response.status_code == 422 and response.data["code"] == "idempotency_key_reused"


def test_the_same_key_on_another_cart_is_422(customer_client, customer):
    checkout(customer_client, CartWithLinesFactory(user=customer), "key-3")
    other = CartWithLinesFactory(user=customer)
    assert checkout(customer_client, other, "key-3").status_code == 422
    assert Order.objects.count() == 1


def test_keys_are_per_user(customer_client, other_client, customer, other_customer):
    assert checkout(customer_client, CartWithLinesFactory(user=customer), "shared-key").status_code == 201
    assert checkout(other_client, CartWithLinesFactory(user=other_customer), "shared-key").status_code == 201
    assert Order.objects.count() == 2


def test_a_request_in_flight_makes_the_second_one_409(customer_client, customer):
    cart = CartWithLinesFactory(user=customer)
    fingerprint = request_fingerprint(scope=f"cart:{cart.pk}", body={})
    IdempotencyKey.objects.create(
        user=customer, key="busy", request_fingerprint=fingerprint, expires_at=timezone.now() + timedelta(hours=1)
    )
    response = checkout(customer_client, cart, "busy")
    assert response.status_code == 409 and response.data["code"] == "conflict"
    assert not Order.objects.exists()


def test_a_key_whose_attempt_died_can_be_used_again_after_the_lease(customer, settings):
    settings.IDEMPOTENCY_LEASE_SECONDS = 60
    cart = CartWithLinesFactory(user=customer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):  # what a worker killed mid-checkout leaves behind
        IdempotencyKey.objects.create(
            user=customer,
            key="orphan",
            request_fingerprint=request_fingerprint(scope=f"cart:{cart.pk}", body={}),
            expires_at=start + timedelta(hours=24),
        )
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert checkout(client_for(customer), cart, "orphan").status_code == 409  # it might still be running
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        retry = checkout(client_for(customer), cart, "orphan")
        assert retry.status_code == 201
        replay = checkout(client_for(customer), cart, "orphan")
    assert replay.json() == retry.json() and replay["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_an_attempt_that_lost_its_lease_is_undone(customer_client, customer, monkeypatch):
    cart = CartWithLinesFactory(user=customer)
    real_place = services.order_place

    def place_then_get_taken_over(**kwargs):
        order = real_place(**kwargs)
        IdempotencyKey.objects.filter(key="slow").update(locked_until=timezone.now() + timedelta(minutes=1))
        return order  # a retry took the key over while this attempt was still working

    monkeypatch.setattr(services, "order_place", place_then_get_taken_over)
    response = checkout(customer_client, cart, "slow")
    assert response.status_code == 409 and response.data["code"] == "conflict"
    assert not Order.objects.exists() and Product.objects.get(pk=cart.items.get().product_id).stock == 10
    assert IdempotencyKey.objects.get(key="slow").response_status is None


def test_a_checkout_error_is_stored_and_replayed(customer_client, customer):
    cart = CartWithLinesFactory(user=customer, lines__stock=2, lines__quantity=2)
    Product.objects.filter(pk=cart.items.get().product_id).update(stock=1)
    first = checkout(customer_client, cart, "key-4")
    assert first.status_code == 409 and first["Content-Type"] == "application/problem+json"
    CartItem.objects.filter(cart=cart).update(quantity=1)
    second = checkout(customer_client, cart, "key-4")
    assert second.status_code == 409 and second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert second["Content-Type"] == "application/problem+json"
    assert checkout(customer_client, cart, "key-5").status_code == 201


def test_an_unexpected_failure_releases_the_key(customer_client, customer, monkeypatch):
    cart = CartWithLinesFactory(user=customer)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "order_place", broken)
    customer_client.raise_request_exception = False
    assert checkout(customer_client, cart, "key-6").status_code == 500
    assert not IdempotencyKey.objects.filter(key="key-6").exists()
    monkeypatch.undo()
    assert checkout(customer_client, cart, "key-6").status_code == 201


def test_validation_errors_before_the_checkout_are_not_stored(customer_client, customer):
    cart = CartWithLinesFactory(user=customer)
    assert checkout(customer_client, cart, "key-7", {"shipping_address": "x"}).status_code == 400
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ключ"])
def test_a_malformed_key_is_400(customer_client, customer, key):
    response = checkout(customer_client, CartWithLinesFactory(user=customer), key)
    assert response.status_code == 400 and "Idempotency-Key" in response.data["errors"]


def test_an_expired_key_may_be_used_again(customer_client, customer, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    checkout(customer_client, CartWithLinesFactory(user=customer), "key-8")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = checkout(client_for(customer), CartWithLinesFactory(user=customer), "key-8")
    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_a_replay_within_the_ttl_still_replays(customer_client, customer):
    cart = CartWithLinesFactory(user=customer)
    first = checkout(customer_client, cart, "key-9")
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert checkout(client_for(customer), cart, "key-9").json() == first.json()


def test_cleanup_command_deletes_only_expired_keys(customer):
    now = timezone.now()
    for key, hours in (("old", -1), ("new", 1)):
        IdempotencyKey.objects.create(
            user=customer, key=key, request_fingerprint="f", expires_at=now + timedelta(hours=hours)
        )
    out = StringIO()
    call_command("cleanup_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_settings_refuse_a_lease_not_longer_than_the_gunicorn_timeout():
    from tests.core.test_settings import _import_settings

    refused = _import_settings(GUNICORN_TIMEOUT="60", IDEMPOTENCY_LEASE_SECONDS="60")
    assert (
        refused.returncode != 0 and "IDEMPOTENCY_LEASE_SECONDS must be longer than GUNICORN_TIMEOUT" in refused.stderr
    )
    assert _import_settings(GUNICORN_TIMEOUT="60", IDEMPOTENCY_LEASE_SECONDS="90").returncode == 0
