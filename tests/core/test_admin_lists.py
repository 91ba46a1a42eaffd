"""`DirectRenderer` writes plain inputs and empty error lists without templates: the same bytes as Django's."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from shop.core import admin_lists
from shop.core.admin_lists import DIRECT_RENDERER
from tests.factories import ProductFactory

DJANGO = DjangoTemplates()

WIDGETS = [
    (forms.TextInput(attrs={"size": 7}), "109.95"),
    (forms.TextInput(), None),
    (forms.TextInput(attrs={"placeholder": 'a "quoted" <b>&</b>'}), 'it\'s <here> & "there"'),
    (forms.TextInput(), mark_safe("<i>safe</i>")),
    (forms.NumberInput(attrs={"style": "width:5em", "min": 0}), 12),
    (forms.NumberInput(attrs={"required": True, "disabled": True, "readonly": False}), 0),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.CheckboxInput(attrs={"class": "action-select", "aria-label": "Select - <x>"}), "7"),
    (forms.HiddenInput(), 42),
    (forms.EmailInput(), "a@b.c"),
    (forms.URLInput(), "https://x.test/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_inputs_render_as_django_renders_them(widget, value):
    attrs = {"id": "id_form-0-field"}
    assert widget.render("form-0-field", value, attrs, DIRECT_RENDERER) == widget.render(
        "form-0-field", value, attrs, DJANGO
    )


def test_error_lists_render_as_django_renders_them():
    empty, full = forms.utils.ErrorList(renderer=DIRECT_RENDERER), forms.utils.ErrorList(["Too <big>."])
    assert str(empty) == str(forms.utils.ErrorList(renderer=DJANGO)) == ""
    full.renderer = DIRECT_RENDERER
    assert str(full) == str(forms.utils.ErrorList(["Too <big>."], renderer=DJANGO))


def test_other_widgets_still_go_through_their_templates():
    widget = forms.Select(choices=[("a", "A"), ("b", "<B>")])
    assert widget.render("s", "b", {}, DIRECT_RENDERER) == widget.render("s", "b", {}, DJANGO)
    textarea = forms.Textarea()
    assert textarea.render("t", "x < y", {}, DIRECT_RENDERER) == textarea.render("t", "x < y", {}, DJANGO)


@pytest.mark.django_db
def test_the_product_changelist_is_the_page_django_would_render(admin_client, monkeypatch):
    for n in range(3):
        ProductFactory(title=f"Thing <{n}> & co", price="9.99", stock=n, is_active=n != 1)
    fast = admin_client.get("/admin/catalog/product/?q=thing&o=-4").content.decode()
    monkeypatch.setattr(admin_lists, "DIRECT_RENDERER", DJANGO)
    plain = admin_client.get("/admin/catalog/product/?q=thing&o=-4").content.decode()
    assert "form-2-stock" in fast and 'name="_selected_action"' in fast
    assert _without_tokens(fast) == _without_tokens(plain)


def _without_tokens(page: str) -> str:
    """The CSRF token differs between two renderings."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
