"""The admin's form-first action pages share one base template (templates/admin/action_base.html): a
changelist action lists the selected objects and posts their ids back; an order's payment action leads back
to the order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.catalog.models import Product
from tests.admin.helpers import changelist, run_action
from tests.factories import ProductFactory
from tests.payments.helpers import placed_order

pytestmark = pytest.mark.django_db
BASE = "admin/action_base.html"


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_changelist_action_page_lists_the_selection_and_posts_it_back(admin_client):
    products = ProductFactory.create_batch(2, stock=4)
    response = run_action(admin_client, Product, "adjust_stock", products)
    html = response.content.decode()
    assert BASE in template_names(response) and "admin/action_form.html" in template_names(response)
    assert all(f'name="_selected_action" value="{p.pk}"' in html for p in products)
    assert 'name="action" value="adjust_stock"' in html and 'name="apply"' in html
    assert f'href="{changelist(Product)}" class="button cancel-link"' in html
    assert 'class="selected-objects"' in html and "action-form" in html


def test_an_order_payment_page_leads_back_to_the_order(admin_client):
    order = placed_order(lines=[(Decimal("8.00"), 2)])
    response = admin_client.get(reverse("admin:orders_order_record_payment", args=[order.pk]))
    html = response.content.decode()
    order_page = reverse("admin:orders_order_change", args=[order.pk])
    assert BASE in template_names(response)
    assert f'&rsaquo; <a href="{order_page}">{order}</a>' in html
    assert f'href="{order_page}" class="button cancel-link"' in html
    assert "Total 16.00; payment status: Unpaid." in html and "change-form" in html
    assert 'name="_selected_action"' not in html and 'name="apply"' not in html
