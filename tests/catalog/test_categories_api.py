import pytest

from shop.catalog.models import Category
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories/"


def detail(category) -> str:
    return f"{URL}{category.pk}/"


def test_anyone_lists_categories_with_the_contract_fields(api_client):
    parent = CategoryFactory(name="Clothing", slug="clothing", description="All wear")
    CategoryFactory(name="Shirts", slug="shirts", parent=parent)
    response = api_client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"][0] == {
        "id": parent.pk,
        "name": "Clothing",
        "slug": "clothing",
        "parent": None,
        "description": "All wear",
        "translations": {},
    }


def test_staff_creates_a_category_under_a_parent(staff_client):
    parent = CategoryFactory(slug="clothing")
    response = staff_client.post(URL, {"name": "Shirts", "slug": "shirts", "parent": parent.pk}, format="json")
    assert response.status_code == 201, response.content
    created = Category.objects.get(pk=response.json()["id"])
    assert (created.parent, created.path) == (parent, "clothing/shirts")


@pytest.mark.parametrize("client_name", ["api_client", "customer_client"])
def test_non_staff_cannot_write_categories(request, client_name):
    client = request.getfixturevalue(client_name)
    response = client.post(URL, {"name": "X", "slug": "x"}, format="json")
    code = "not_authenticated" if client_name == "api_client" else "permission_denied"
    assert_problem(response, 401 if client_name == "api_client" else 403, code)
    assert not Category.objects.exists()


def test_customer_cannot_delete_a_category(customer_client):
    category = CategoryFactory()
    assert_problem(customer_client.delete(detail(category)), 403, "permission_denied")
    assert Category.objects.filter(pk=category.pk).exists()


def test_duplicate_slug_is_a_validation_problem(staff_client):
    CategoryFactory(slug="shoes")
    body = assert_problem(
        staff_client.post(URL, {"name": "Shoes", "slug": "shoes"}, format="json"), 400, "validation_error"
    )
    assert "slug" in body["errors"]


def test_unknown_parent_is_a_validation_problem(staff_client):
    body = assert_problem(
        staff_client.post(URL, {"name": "A", "slug": "a", "parent": 999999}, format="json"), 400, "validation_error"
    )
    assert "parent" in body["errors"]


def test_staff_deletes_an_empty_category(staff_client):
    category = CategoryFactory()
    assert staff_client.delete(detail(category)).status_code == 204
    assert not Category.objects.filter(pk=category.pk).exists()


def test_deleting_a_category_with_products_is_a_conflict(staff_client):
    category = CategoryFactory()
    ProductFactory(categories=[category])
    body = assert_problem(staff_client.delete(detail(category)), 409, "conflict")
    assert "product" in body["detail"]
    assert Category.objects.filter(pk=category.pk).exists()


def test_deleting_a_category_with_subcategories_is_a_conflict(staff_client):
    parent = CategoryFactory()
    CategoryFactory(parent=parent)
    body = assert_problem(staff_client.delete(detail(parent)), 409, "conflict")
    assert "subcategories" in body["detail"]
    assert Category.objects.filter(pk=parent.pk).exists()


def test_a_category_cannot_become_its_own_parent(staff_client):
    category = CategoryFactory()
    response = staff_client.patch(detail(category), {"parent": category.pk}, format="json")
    body = assert_problem(response, 400, "validation_error")
    assert "parent" in body["errors"]
    category.refresh_from_db()
    assert category.parent is None


def test_a_category_cannot_move_under_its_own_descendant(staff_client):
    root = CategoryFactory(slug="root")
    child = CategoryFactory(slug="child", parent=root)
    grandchild = CategoryFactory(slug="grandchild", parent=child)
    body = assert_problem(
        staff_client.patch(detail(root), {"parent": grandchild.pk}, format="json"), 400, "validation_error"
    )
    assert "parent" in body["errors"]
    root.refresh_from_db()
    assert (root.parent, root.path) == (None, "root")


def test_moving_a_category_updates_the_paths_of_its_subtree(staff_client):
    old_parent, new_parent = CategoryFactory(slug="old"), CategoryFactory(slug="new")
    middle = CategoryFactory(slug="middle", parent=old_parent)
    leaf = CategoryFactory(slug="leaf", parent=middle)
    response = staff_client.patch(detail(middle), {"parent": new_parent.pk}, format="json")
    assert response.status_code == 200, response.content
    leaf.refresh_from_db()
    assert leaf.path == "new/middle/leaf"


def test_a_sibling_with_a_similar_slug_prefix_is_a_valid_parent(staff_client):
    shirts = CategoryFactory(slug="shirts")
    shirts_sale = CategoryFactory(slug="shirts-sale")
    response = staff_client.patch(detail(shirts), {"parent": shirts_sale.pk}, format="json")
    assert response.status_code == 200, response.content


def test_categories_filter_by_parent_and_null_for_roots(api_client):
    root = CategoryFactory(slug="root")
    child = CategoryFactory(slug="child", parent=root)
    by_parent = api_client.get(URL, {"parent": root.pk}).json()["results"]
    roots = api_client.get(URL, {"parent": "null"}).json()["results"]
    assert [item["id"] for item in by_parent] == [child.pk]
    assert [item["id"] for item in roots] == [root.pk]


def test_categories_filter_by_unknown_parent_is_a_validation_problem(api_client):
    body = assert_problem(api_client.get(URL, {"parent": 424242}), 400, "validation_error")
    assert "parent" in body["errors"]


def test_categories_search_name_and_slug_and_order_by_name(api_client):
    CategoryFactory(name="Women's clothing", slug="womens")
    CategoryFactory(name="Electronics", slug="electronics")
    CategoryFactory(name="Men's clothing", slug="mens-clothing")
    found = api_client.get(URL, {"search": "clothing", "ordering": "-name"}).json()["results"]
    assert [item["slug"] for item in found] == ["womens", "mens-clothing"]


def test_categories_refuse_an_unknown_ordering(api_client):
    body = assert_problem(api_client.get(URL, {"ordering": "path"}), 400, "validation_error")
    assert "ordering" in body["errors"]


@pytest.mark.parametrize("page_size", [1, 100])
def test_category_list_query_count_does_not_grow_with_page_size(api_client, django_assert_max_num_queries, page_size):
    parent = CategoryFactory()
    for _ in range(30):
        CategoryFactory(parent=parent)
    with django_assert_max_num_queries(2):
        response = api_client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, 31)
