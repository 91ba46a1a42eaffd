"""Searching the lists that DRF's search answers (categories, attributes, shipping methods) in another language:
a name matches in the requested language and in the default one."""

import pytest

from tests.factories import AttributeFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_turkish(settings):
    settings.LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
    settings.LANGUAGE_CODE = "en"


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


def test_a_turkish_category_search_finds_turkish_names_and_untranslated_english_ones(api_client):
    CategoryFactory(name="Jewelery", name_tr="Mucevher", slug="c-1")
    CategoryFactory(name="Electronics", slug="c-2")  # no Turkish name: shown, and found, in English
    CategoryFactory(name="Books", name_tr="Kitaplar", slug="c-3")

    assert _names(api_client.get("/api/v1/categories/?search=mucev&lang=tr")) == ["Mucevher"]
    assert _names(api_client.get("/api/v1/categories/?search=electro&lang=tr")) == ["Electronics"]
    assert _names(api_client.get("/api/v1/categories/?search=book&lang=tr")) == ["Kitaplar"]


def test_an_english_category_search_does_not_match_turkish_names(api_client):
    CategoryFactory(name="Jewelery", name_tr="Mucevher", slug="c-1")

    assert _names(api_client.get("/api/v1/categories/?search=mucev")) == []
    assert _names(api_client.get("/api/v1/categories/?search=jewel")) == ["Jewelery"]


def test_a_turkish_attribute_search_finds_the_english_name_of_an_untranslated_one(api_client):
    AttributeFactory(name="Colour", name_tr="Renk", slug="a-1")
    AttributeFactory(name="Size", slug="a-2")

    assert _names(api_client.get("/api/v1/attributes/?search=renk", HTTP_ACCEPT_LANGUAGE="tr")) == ["Renk"]
    assert _names(api_client.get("/api/v1/attributes/?search=size", HTTP_ACCEPT_LANGUAGE="tr")) == ["Size"]
