"""The daily low-stock digest mailed to the catalog managers."""

import threading
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.db import connections

from shop.catalog import low_stock, tasks
from shop.catalog.models import LowStockDigest
from shop.catalog.selectors import catalog_managers, product_list_low_stock
from tests.factories import ProductFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _change_product():
    return Permission.objects.get(content_type__app_label="catalog", codename="change_product")


@pytest.fixture
def manager():
    user = StaffFactory(email="manager@example.com")
    group = Group.objects.create(name="Catalog managers")
    group.permissions.add(_change_product())
    user.groups.add(group)
    return user


def test_low_stock_lists_active_products_at_or_below_the_threshold():
    empty = ProductFactory(sku="EMPTY", stock=0)
    low = ProductFactory(sku="LOW", stock=3)
    ProductFactory(sku="PLENTY", stock=4)
    ProductFactory(sku="HIDDEN", stock=1, is_active=False)
    assert list(product_list_low_stock(threshold=3)) == [empty, low]


def test_managers_hold_the_change_product_permission_through_a_group_directly_or_as_superuser(manager):
    direct = StaffFactory(email="direct@example.com")
    direct.user_permissions.add(_change_product())
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    StaffFactory(email="no-permission@example.com")
    gone = StaffFactory(email="gone@example.com", is_active=False)
    gone.user_permissions.add(_change_product())
    assert list(catalog_managers()) == [boss, direct, manager]


def test_digest_mails_each_manager_the_low_stock_products(manager, settings):
    settings.LOW_STOCK_THRESHOLD = 5
    ProductFactory(sku="FS-1", title="Backpack", stock=0)
    ProductFactory(sku="FS-2", title="Jacket", stock=4)
    ProductFactory(sku="FS-3", title="Ring", stock=6)
    other = StaffFactory(email="other@example.com")
    other.user_permissions.add(_change_product())

    digest = low_stock.low_stock_digest_send(today=date(2026, 11, 2))

    assert (digest.date, digest.product_count, digest.recipient_count) == (date(2026, 11, 2), 2, 2)
    assert sorted(message.to[0] for message in mail.outbox) == ["manager@example.com", "other@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Low stock: 2 product(s) at or below 5 units"
    assert "2026-11-02" in message.body
    assert "FS-1  OUT OF STOCK  Backpack" in message.body
    assert "FS-2        4 left  Jacket" in message.body
    assert "FS-3" not in message.body


def test_digest_is_sent_once_a_day_however_often_it_runs(manager):
    ProductFactory(stock=1)
    assert low_stock.low_stock_digest_send(today=date(2026, 11, 2)) is not None
    assert low_stock.low_stock_digest_send(today=date(2026, 11, 2)) is None
    assert len(mail.outbox) == 1
    assert low_stock.low_stock_digest_send(today=date(2026, 11, 3)) is not None
    assert len(mail.outbox) == 2


def test_digest_sends_nothing_without_low_stock_or_without_managers(manager):
    ProductFactory(stock=50)
    assert low_stock.low_stock_digest_send() is None
    manager.groups.clear()
    ProductFactory(stock=0)
    assert low_stock.low_stock_digest_send() is None
    assert mail.outbox == []
    assert not LowStockDigest.objects.exists()


def test_a_digest_that_could_not_be_mailed_can_be_sent_again_that_day(manager, monkeypatch):
    ProductFactory(stock=1)

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(low_stock, "send_mass_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        low_stock.low_stock_digest_send(today=date(2026, 11, 2))
    assert not LowStockDigest.objects.exists()
    monkeypatch.undo()
    assert low_stock.low_stock_digest_send(today=date(2026, 11, 2)) is not None
    assert len(mail.outbox) == 1


def test_a_long_digest_names_the_first_products_and_counts_the_rest(manager, monkeypatch):
    monkeypatch.setattr(low_stock, "MAX_LISTED", 2)
    for n in range(5):
        ProductFactory(sku=f"LOW-{n}", stock=n)
    low_stock.low_stock_digest_send()
    body = mail.outbox[0].body
    assert "LOW-0" in body and "LOW-1" in body and "LOW-2" not in body
    assert "... and 3 more." in body


def test_digest_task_and_command_send_the_same_digest_once(manager):
    ProductFactory(stock=1)
    digest_id = tasks.send_low_stock_digest.apply().get()
    assert digest_id == LowStockDigest.objects.get().pk
    out = StringIO()
    call_command("send_low_stock_digest", stdout=out)
    assert "already sent today" in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_mail_the_digest_once(manager):
    ProductFactory(stock=1)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(low_stock.low_stock_digest_send(today=date(2026, 11, 2)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(result is None for result in results) == [False, True]
    assert len(mail.outbox) == 1
    assert LowStockDigest.objects.count() == 1
