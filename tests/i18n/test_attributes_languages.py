"""Attribute and option value names in the reader's language, and their `translations` written and read back."""

import pytest

from tests.factories import AttributeFactory, AttributeValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_turkish(settings):
    settings.LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def colour():
    attribute = AttributeFactory(name="Colour", name_tr="Renk", slug="colour")
    AttributeValueFactory(attribute=attribute, name="Red", name_tr="Koyu al", slug="red")
    AttributeValueFactory(attribute=attribute, name="Blue", slug="blue")  # untranslated
    return attribute


def test_attribute_and_value_names_are_served_in_turkish_and_fall_back_to_english(api_client, colour):
    response = api_client.get(f"/api/v1/attributes/{colour.pk}/", HTTP_ACCEPT_LANGUAGE="tr")
    body = response.json()
    assert (body["name"], response["Content-Language"]) == ("Renk", "tr")
    assert {value["slug"]: value["name"] for value in body["values"]} == {"red": "Koyu al", "blue": "Blue"}


def test_attribute_names_are_english_without_a_language(api_client, colour):
    body = api_client.get(f"/api/v1/attributes/{colour.pk}/").json()
    assert (body["name"], sorted(value["name"] for value in body["values"])) == ("Colour", ["Blue", "Red"])


def test_attribute_and_value_translations_round_trip(staff_client):
    body = {
        "name": "Colour",
        "slug": "colour",
        "translations": {"tr": {"name": "Renk"}},
        "values": [{"name": "Red", "slug": "red", "translations": {"tr": {"name": "Koyu al"}}}, {"name": "Blue"}],
    }
    created = staff_client.post("/api/v1/attributes/", body, format="json")
    assert created.status_code == 201, created.content
    document = staff_client.get(f"/api/v1/attributes/{created.json()['id']}/").json()
    assert document["translations"] == {"tr": {"name": "Renk"}}
    by_slug = {value["slug"]: value for value in document["values"]}
    assert by_slug["red"]["translations"] == {"tr": {"name": "Koyu al"}}
    assert by_slug["blue"]["translations"] == {"tr": {"name": ""}}
    assert (by_slug["red"]["name"], by_slug["red"]["slug"]) == ("Red", "red")  # the plain name is English


def test_renaming_a_value_in_turkish_keeps_its_english_name(staff_client, colour):
    url = f"/api/v1/attributes/{colour.pk}/"
    values = [{"name": "Red", "slug": "red", "translations": {"tr": {"name": "Al"}}}, {"name": "Blue", "slug": "blue"}]
    response = staff_client.patch(url, {"values": values}, format="json")
    assert response.status_code == 200, response.content
    red = colour.values.get(slug="red")
    assert (red.name_en, red.name_tr) == ("Red", "Al")


@pytest.mark.parametrize(
    ("translations", "named"),
    [({"xx": {"name": "?"}}, "xx"), ({"tr": {"title": "?"}}, "title"), ({"tr": {"name": "x" * 101}}, "name")],
)
def test_bad_attribute_translations_are_a_400_naming_them_and_change_nothing(staff_client, colour, translations, named):
    url = f"/api/v1/attributes/{colour.pk}/"
    response = staff_client.patch(url, {"name": "Changed", "translations": translations}, format="json")
    assert response.status_code == 400
    assert named in str(response.json()["errors"])
    colour.refresh_from_db()
    assert (colour.name_en, colour.name_tr) == ("Colour", "Renk")


def test_a_bad_value_translation_is_a_400_and_changes_nothing(staff_client, colour):
    values = [{"name": "Rot", "slug": "red", "translations": {"de": {"name": "Rot"}}}]
    response = staff_client.patch(f"/api/v1/attributes/{colour.pk}/", {"values": values}, format="json")
    assert response.status_code == 400
    assert "de" in str(response.json()["errors"])
    assert sorted(colour.values.values_list("slug", "name_en", "name_tr")) == [
        ("blue", "Blue", None),
        ("red", "Red", "Koyu al"),
    ]
