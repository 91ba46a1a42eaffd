"""Shipping method names in the reader's language, and their `translations` written and read back."""

import pytest

from shop.pricing.models import ShippingMethod
from tests.factories import ShippingMethodFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/shipping-methods/"


@pytest.fixture(autouse=True)
def _english_and_turkish(settings):
    settings.LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
    settings.LANGUAGE_CODE = "en"


def names(client, **kwargs) -> list[str]:
    response = client.get(URL, **kwargs)
    body = response.json()
    return [method["name"] for method in (body["results"] if isinstance(body, dict) else body)]


def test_shipping_method_names_are_served_in_the_requested_language(api_client):
    ShippingMethodFactory(name="Express", name_tr="Ekspres kargo", position=1)
    ShippingMethodFactory(name="Standard", position=2)  # untranslated: English
    assert names(api_client, HTTP_ACCEPT_LANGUAGE="tr") == ["Ekspres kargo", "Standard"]
    assert names(api_client, data={"lang": "tr"}, HTTP_ACCEPT_LANGUAGE="en") == ["Ekspres kargo", "Standard"]
    assert names(api_client) == ["Express", "Standard"]
    assert api_client.get(URL, HTTP_ACCEPT_LANGUAGE="tr")["Content-Language"] == "tr"


def test_shipping_method_translations_round_trip(staff_client):
    created = staff_client.post(
        URL,
        {"code": "express", "name": "Express", "price": "9.99", "translations": {"tr": {"name": "Ekspres kargo"}}},
        format="json",
    )
    assert created.status_code == 201, created.content
    url = f"{URL}{created.json()['id']}/"
    assert staff_client.get(url).json()["translations"] == {"tr": {"name": "Ekspres kargo"}}
    staff_client.patch(url, {"translations": {"tr": {"name": ""}}}, format="json")
    method = ShippingMethod.objects.get(code="express")
    assert (method.name_en, method.name_tr or "") == ("Express", "")


@pytest.mark.parametrize(
    ("translations", "named"),
    [({"fr": {"name": "Exprès"}}, "fr"), ({"tr": {"title": "x"}}, "title"), ({"tr": {"name": "x" * 101}}, "name")],
)
def test_bad_shipping_translations_are_a_400_naming_them_and_change_nothing(staff_client, translations, named):
    method = ShippingMethodFactory(name="Express", name_tr="Ekspres kargo")
    response = staff_client.patch(f"{URL}{method.pk}/", {"price": "1.00", "translations": translations}, format="json")
    assert response.status_code == 400
    assert named in str(response.json()["errors"])
    method.refresh_from_db()
    assert (str(method.price), method.name_tr) == ("4.99", "Ekspres kargo")
