from decimal import Decimal

import pytest
from django.urls import reverse

from shop.catalog import admin as catalog_admin
from shop.catalog.models import Category, Product, StockMovement
from shop.catalog.services import product_create
from tests.admin.helpers import changelist, changelist_formset, messages_of, run_action, set_page_size
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_size", [1, 100])
def test_product_list_makes_a_fixed_number_of_queries(
    admin_client, monkeypatch, django_assert_max_num_queries, page_size
):
    categories = CategoryFactory.create_batch(3)
    ProductFactory.create_batch(30, categories=categories, image="https://img.example.com/p.png")
    set_page_size(monkeypatch, Product, page_size)
    with django_assert_max_num_queries(12):
        response = admin_client.get(changelist(Product))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(page_size, 30)


def test_product_list_shows_thumbnail_rating_and_categories(admin_client):
    shoes = CategoryFactory(name="Shoes")
    ProductFactory(
        title="Runner",
        image="https://img.example.com/runner.png",
        categories=[shoes],
        rating_rate=Decimal("4.50"),
        rating_count=8,
    )
    html = admin_client.get(changelist(Product)).content.decode()
    assert 'src="https://img.example.com/runner.png"' in html
    assert "4.50 (8)" in html
    assert "Shoes" in html


@pytest.mark.parametrize(("level", "expected"), [("out", {"empty"}), ("low", {"low"}), ("in", {"plenty"})])
def test_stock_level_filter_uses_the_low_stock_threshold(admin_client, settings, level, expected):
    settings.LOW_STOCK_THRESHOLD = 5
    ProductFactory(sku="empty", stock=0)
    ProductFactory(sku="low", stock=5)
    ProductFactory(sku="plenty", stock=6)
    response = admin_client.get(changelist(Product), {"stock_level": level})
    assert {p.sku for p in response.context["cl"].result_list} == expected


def test_product_search_finds_by_sku_title_and_slug(admin_client):
    ProductFactory(sku="ABC-1", title="Kettle", slug="steel-kettle")
    ProductFactory(sku="XYZ-2", title="Mug", slug="mug")
    for term in ("ABC", "kettle", "steel-"):
        response = admin_client.get(changelist(Product), {"q": term})
        assert [p.sku for p in response.context["cl"].result_list] == ["ABC-1"]


def test_editing_stock_in_the_list_writes_an_adjustment_movement(admin_client, superuser):
    product = ProductFactory(stock=10, price=Decimal("5.00"))
    data = changelist_formset([product], price=["7.50"], stock=["4"], is_active=["on"])
    response = admin_client.post(changelist(Product), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("7.50"), 4)
    movement = product.stock_movements.first()
    assert (movement.delta, movement.reason, movement.user) == (-6, StockMovement.Reason.ADJUSTMENT, superuser)


def test_editing_only_the_price_in_the_list_writes_no_movement(admin_client):
    product = ProductFactory(stock=10)
    admin_client.post(
        changelist(Product), changelist_formset([product], price=["1.00"], stock=["10"], is_active=["on"])
    )
    assert product.stock_movements.count() == 1  # the initial one
    assert Product.objects.get(pk=product.pk).price == Decimal("1.00")


def test_negative_stock_in_the_list_is_refused(admin_client):
    product = ProductFactory(stock=3)
    response = admin_client.post(
        changelist(Product), changelist_formset([product], price=["1"], stock=["-1"], is_active=["on"])
    )
    assert response.status_code == 200
    assert Product.objects.get(pk=product.pk).stock == 3


def test_product_form_change_of_stock_writes_a_movement_and_keeps_categories(admin_client):
    category = CategoryFactory()
    product = ProductFactory(stock=2, categories=[category])
    data = {
        "title_en": product.title, "slug": product.slug, "sku": product.sku, "description_en": "", "image": "",
        "categories": [category.pk], "is_active": "on", "price": "3.00", "stock": "9",
    }  # fmt: skip
    for prefix in ("images", "stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.stock == 9
    assert list(product.categories.all()) == [category]
    assert product.stock_movements.first().delta == 7


def test_adding_a_product_records_its_stock_as_initial_movement(admin_client):
    data = {"title_en": "New", "slug": "new", "sku": "NEW-1", "price": "2.00", "stock": "5", "is_active": "on"}
    for prefix in ("images", "stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    assert admin_client.post(reverse("admin:catalog_product_add"), data).status_code == 302
    product = Product.objects.get(sku="NEW-1")
    assert product.stock == 5
    assert list(product.stock_movements.values_list("delta", "reason")) == [(5, "initial")]


def test_product_page_shows_latest_movements_and_reviews_read_only(admin_client):
    product = ProductFactory(stock=1)
    ReviewFactory(product=product, rating=5)
    html = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode().lower()
    assert "latest stock movements" in html
    assert "latest reviews" in html
    assert f"?product__id__exact={product.pk}" in html
    assert 'name="stock_movements-0-delta"' not in html  # read-only


def test_activate_and_deactivate_actions(admin_client):
    products = ProductFactory.create_batch(2, is_active=True)
    run_action(admin_client, Product, "deactivate", products)
    assert not Product.objects.filter(is_active=True).exists()
    run_action(admin_client, Product, "activate", products[:1])
    assert list(Product.objects.filter(is_active=True)) == products[:1]


def test_adjust_stock_action_first_shows_the_form(admin_client):
    product = ProductFactory()
    response = run_action(admin_client, Product, "adjust_stock", [product])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_form.html"
    assert product.stock_movements.count() == 1


def test_adjust_stock_action_applies_signed_amount_with_reason(admin_client, superuser):
    products = ProductFactory.create_batch(2, stock=10)
    extra = {"apply": "1", "delta": "-3", "reason": "adjustment", "note": "broken in store"}
    response = run_action(admin_client, Product, "adjust_stock", products, **extra)
    assert response.status_code == 302
    for product in products:
        product.refresh_from_db()
        assert product.stock == 7
        movement = product.stock_movements.first()
        assert (movement.delta, movement.reference, movement.user) == (-3, "broken in store", superuser)


def test_adjust_stock_action_changes_nothing_when_one_product_would_go_negative(admin_client):
    rich, poor = ProductFactory(stock=10), ProductFactory(stock=1)
    response = run_action(
        admin_client, Product, "adjust_stock", [rich, poor], apply="1", delta="-2", reason="adjustment"
    )
    assert "Nothing changed" in " ".join(messages_of(response))
    assert [Product.objects.get(pk=p.pk).stock for p in (rich, poor)] == [10, 1]


def test_adjust_stock_action_refuses_zero(admin_client):
    product = ProductFactory(stock=1)
    response = run_action(admin_client, Product, "adjust_stock", [product], apply="1", delta="0", reason="adjustment")
    assert response.status_code == 200
    assert "other than 0" in response.content.decode()


# --- Categories -------------------------------------------------------------------------------------


def test_categories_are_listed_as_a_tree_with_product_counts(admin_client):
    root = CategoryFactory(name="Clothes", slug="clothes")
    child = CategoryFactory(name="Shirts", slug="shirts", parent=root)
    CategoryFactory(name="Audio", slug="audio")
    ProductFactory.create_batch(2, categories=[child])
    response = admin_client.get(changelist(Category))
    rows = list(response.context["cl"].result_list)
    assert [c.slug for c in rows] == ["audio", "clothes", ["clothes", "shirts"][1]]
    assert {c.slug: c.n_products for c in rows} == {"audio": 0, "clothes": 0, "shirts": 2}
    assert "padding-left:1.5em" in response.content.decode()


@pytest.mark.parametrize("page_size", [1, 100])
def test_category_list_makes_a_fixed_number_of_queries(
    admin_client, monkeypatch, django_assert_max_num_queries, page_size
):
    for category in CategoryFactory.create_batch(20):
        ProductFactory(categories=[category])
    set_page_size(monkeypatch, Category, page_size)
    with django_assert_max_num_queries(8):
        assert admin_client.get(changelist(Category)).status_code == 200


def test_deleting_a_category_with_products_is_refused_with_a_message(admin_client):
    category = CategoryFactory(name="Shoes")
    ProductFactory(categories=[category])
    response = admin_client.post(reverse("admin:catalog_category_delete", args=[category.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert "Shoes (1 product(s))" in " ".join(messages_of(response))
    assert Category.objects.filter(pk=category.pk).exists()


def test_bulk_delete_of_categories_is_refused_when_one_has_products(admin_client):
    empty, used = CategoryFactory(), CategoryFactory(name="Used")
    ProductFactory(categories=[used])
    response = run_action(admin_client, Category, "delete_selected", [empty, used], post="yes")
    assert "Used (1 product(s))" in " ".join(messages_of(response))
    assert Category.objects.count() == 2


def test_bulk_delete_of_empty_categories_deletes_them(admin_client):
    run_action(admin_client, Category, "delete_selected", CategoryFactory.create_batch(2), post="yes")
    assert not Category.objects.exists()


def test_saving_the_product_page_as_rendered_keeps_the_read_only_inlines_intact(admin_client):
    product = ProductFactory(stock=2)
    ReviewFactory(product=product)
    page = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update(
            {f"{fs.prefix}-TOTAL_FORMS": fs.total_form_count(), f"{fs.prefix}-INITIAL_FORMS": fs.initial_form_count()}
        )
        for i, form in enumerate(fs.forms):
            if form.instance.pk:  # the image inline's empty row for an upload has none
                data[f"{fs.prefix}-{i}-id"] = form.instance.pk
            data[f"{fs.prefix}-{i}-product"] = product.pk
    data.update({"title_en": "Renamed", "slug": product.slug, "sku": product.sku, "price": "1.00", "stock": "2"})
    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).title == "Renamed"
    assert product.stock_movements.count() == 1
    assert product.reviews.count() == 1


def _stocked_and_ordered(title):
    from tests.conftest import client_for
    from tests.factories import CartWithLinesFactory, CustomerFactory

    product = ProductFactory(title=title, stock=5)
    cart = CartWithLinesFactory(user=CustomerFactory(), lines=[(product, 1)])
    assert client_for(cart.user).post(f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json").status_code == 201
    return product


def test_deleting_a_product_with_a_history_is_refused_in_plain_words_even_for_a_superuser(admin_client):
    product = _stocked_and_ordered("Oak chair")
    page = admin_client.get(reverse("admin:catalog_product_delete", args=[product.pk]))
    assert page.status_code == 302
    response = admin_client.post(reverse("admin:catalog_product_delete", args=[product.pk]), {"post": "yes"})
    assert response.status_code == 302
    text = " ".join(messages_of(response))
    assert "Not deleted: Oak chair." in text and "Deactivate it instead" in text and "permission" not in text
    assert Product.objects.filter(pk=product.pk).exists() and StockMovement.objects.filter(product=product).count() == 2


def test_bulk_delete_of_products_is_refused_when_one_has_a_history(admin_client):
    fresh, used = ProductFactory(stock=0), _stocked_and_ordered("Steel lamp")
    response = run_action(admin_client, Product, "delete_selected", [fresh, used], post="yes")
    assert "Not deleted: Steel lamp." in " ".join(messages_of(response))
    assert Product.objects.filter(pk__in=[fresh.pk, used.pk]).count() == 2


def test_products_never_stocked_or_sold_are_deleted_from_the_admin(admin_client):
    products = ProductFactory.create_batch(2, stock=0)
    run_action(admin_client, Product, "delete_selected", products, post="yes")
    assert not Product.objects.filter(pk__in=[p.pk for p in products]).exists()
    single = ProductFactory(stock=0)
    admin_client.post(reverse("admin:catalog_product_delete", args=[single.pk]), {"post": "yes"})
    assert not Product.objects.filter(pk=single.pk).exists()


# --- Rules that live in the services -----------------------------------------------------------------


def test_activating_counts_only_products_that_change_and_leaves_the_others_untouched(admin_client):
    active, inactive = ProductFactory(is_active=True), ProductFactory(is_active=False)
    before = Product.objects.get(pk=active.pk).updated_at
    response = run_action(admin_client, Product, "activate", [active, inactive])
    assert "1 product(s) activated (1 already active)." in messages_of(response)
    assert Product.objects.get(pk=inactive.pk).is_active
    assert Product.objects.get(pk=active.pk).updated_at == before


@pytest.mark.parametrize("price", ["-0", "-0.00"])
def test_a_negative_zero_price_from_the_admin_is_stored_as_zero(admin_client, price):
    data = {"title_en": "Free", "slug": "free", "sku": "FREE-1", "price": price, "stock": "0", "is_active": "on"}
    for prefix in ("images", "stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    assert admin_client.post(reverse("admin:catalog_product_add"), data).status_code == 302
    product = Product.objects.get(sku="FREE-1")
    assert str(product.price) == "0.00"
    other = ProductFactory(price=Decimal("5.00"))
    admin_client.post(changelist(Product), changelist_formset([other], price=[price], stock=["10"], is_active=["on"]))
    assert str(Product.objects.get(pk=other.pk).price) == "0.00"


def test_a_product_added_in_the_admin_gets_its_categories_through_the_service(admin_client, superuser, monkeypatch):
    calls = []
    monkeypatch.setattr(catalog_admin, "product_create", lambda **kw: calls.append(kw) or product_create(**kw))
    shoes = CategoryFactory()
    data = {"title_en": "New", "slug": "new", "sku": "NEW-2", "price": "2.00", "stock": "3", "categories": [shoes.pk]}
    for prefix in ("images", "stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 302
    product = Product.objects.get(sku="NEW-2")
    assert list(product.categories.all()) == [shoes]
    assert list(product.stock_movements.values_list("delta", "reason", "user")) == [(3, "initial", superuser.pk)]
    assert response.url == reverse("admin:catalog_product_changelist")
    assert [(call["sku"], call["stock"], list(call["categories"])) for call in calls] == [("NEW-2", 3, [shoes])]


@pytest.mark.parametrize("delta", [str(2**31), str(-(2**31)), str(2**63), "99999999999999999999999"])
def test_adjust_stock_refuses_amounts_beyond_the_stock_column(admin_client, delta):
    product = ProductFactory(stock=10)
    response = run_action(admin_client, Product, "adjust_stock", [product], apply="1", delta=delta, reason="adjustment")
    assert response.status_code == 200
    assert response.context["form"].errors["delta"]
    assert Product.objects.get(pk=product.pk).stock == 10


def test_adjust_stock_refuses_a_total_beyond_the_stock_column(admin_client):
    product = ProductFactory(stock=10)
    response = run_action(
        admin_client, Product, "adjust_stock", [product], apply="1", delta=str(2**31 - 1), reason="adjustment"
    )
    assert "Stock cannot exceed 2,147,483,647 units." in " ".join(messages_of(response))
    assert Product.objects.get(pk=product.pk).stock == 10


def test_deleting_a_category_with_subcategories_is_refused_with_the_service_message(admin_client):
    parent = CategoryFactory(name="Clothes")
    CategoryFactory(parent=parent)
    response = admin_client.post(reverse("admin:catalog_category_delete", args=[parent.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert "Clothes (subcategories)" in " ".join(messages_of(response))
    assert Category.objects.filter(pk=parent.pk).exists()


def test_bulk_delete_of_a_parent_with_its_subcategories_deletes_them_all(admin_client):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    response = run_action(admin_client, Category, "delete_selected", [parent, child], post="yes")
    assert response.status_code == 302
    assert not Category.objects.exists()


def test_view_site_leads_to_the_api_docs(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<a href="/api/v1/docs/">View site</a>' in html
    assert admin_client.get("/api/v1/docs/").status_code == 200


def _category_form(category, **changes):
    return {"name_en": category.name, "slug": category.slug, "parent": "", "description_en": "", **changes}


def test_moving_a_category_under_its_own_subcategory_is_a_form_error(admin_client):
    root = CategoryFactory(slug="root")
    child = CategoryFactory(slug="child", parent=root)
    url = reverse("admin:catalog_category_change", args=[root.pk])
    response = admin_client.post(url, _category_form(root, parent=child.pk))
    assert response.status_code == 200
    assert "cannot be placed under itself or one of its subcategories" in response.content.decode()
    root.refresh_from_db()
    assert (root.parent_id, root.path) == (None, "root")


def test_categories_are_added_and_moved_through_the_services(admin_client):
    clothes = CategoryFactory(slug="clothes")
    response = admin_client.post(
        reverse("admin:catalog_category_add"), {"name_en": "Shirts", "slug": "shirts", "parent": clothes.pk}
    )
    assert response.status_code == 302
    shirts = Category.objects.get(slug="shirts")
    assert shirts.path == "clothes/shirts"
    other = CategoryFactory(slug="other")
    admin_client.post(
        reverse("admin:catalog_category_change", args=[shirts.pk]), _category_form(shirts, parent=other.pk)
    )
    shirts.refresh_from_db()
    assert (shirts.parent, shirts.path) == (other, "other/shirts")
