"""The FakeStore-compatible reads show the catalog's texts in the reader's language: titles, descriptions and
category names translated where a translation exists, the default language's where not."""

import pytest
from django.utils import translation

from shop.fakestore import selectors
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_turkish(settings):
    settings.LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def catalog():
    bags = CategoryFactory(name="bags", name_tr="çantalar")
    mugs = CategoryFactory(name="mugs")  # not translated
    backpack = ProductFactory(title="Backpack", title_tr="Deri çanta", description="Roomy.", description_tr="Geniş.")
    backpack.categories.set([bags])
    mug = ProductFactory(title="Mug", title_tr="Kupa")
    mug.categories.set([mugs])
    return {"backpack": backpack, "mug": mug}


@pytest.mark.parametrize(
    ("language", "name", "found"),
    [("en", "bags", "backpack"), ("tr", "çantalar", "backpack"), ("tr", "mugs", "mug"), ("tr", "bags", None)],
)
def test_a_category_is_found_by_its_name_as_the_reader_sees_it(catalog, language, name, found):
    """Under Turkish, a translated category answers to its Turkish name; an untranslated one to its default name."""
    with translation.override(language):
        products = list(selectors.product_list(category_name=name))
    assert products == ([catalog[found]] if found else [])


def test_fakestore_products_honour_accept_language(api_client, catalog):
    response = api_client.get(f"/fakestore/products/{catalog['backpack'].pk}", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9")
    body = response.json()
    assert (body["title"], body["description"], body["category"]) == ("Deri çanta", "Geniş.", "çantalar")
    assert response["Content-Language"] == "tr"
    english = api_client.get(f"/fakestore/products/{catalog['backpack'].pk}").json()
    assert (english["title"], english["category"]) == ("Backpack", "bags")


def test_fakestore_lists_and_category_names_honour_accept_language(api_client, catalog):
    titles = [item["title"] for item in api_client.get("/fakestore/products", HTTP_ACCEPT_LANGUAGE="tr").json()]
    assert titles == ["Deri çanta", "Kupa"]
    assert api_client.get("/fakestore/products/categories", HTTP_ACCEPT_LANGUAGE="tr").json() == ["çantalar", "mugs"]
    by_name = api_client.get("/fakestore/products/category/%C3%A7antalar", HTTP_ACCEPT_LANGUAGE="tr").json()
    assert [item["id"] for item in by_name] == [catalog["backpack"].pk]
