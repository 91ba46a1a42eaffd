import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.results import RowResult

from shop.catalog.models import Category, Product, StockMovement
from shop.core.formula import escape_cell, unescape_cell
from shop.orders.models import Order
from tests.admin.helpers import messages_of
from tests.factories import CategoryFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

CSV, XLSX, JSON = "0", "1", "2"
HEADER = "sku,slug,title,description,price,image,stock,is_active,categories\n"


def preview(client, model, content, fmt=CSV, name="file.csv"):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    return client.post(url, {"resource": "0", "format": fmt, "import_file": upload})


def confirm(client, model, response):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_process_import")
    return client.post(url, response.context["confirm_form"].initial)


def import_file(client, model, content, **kwargs):
    response = preview(client, model, content, **kwargs)
    assert response.context.get("confirm_form") is not None, response.context["result"].invalid_rows
    return confirm(client, model, response)


def totals(response):
    return {kind: n for kind, n in response.context["result"].totals.items() if n}


def test_product_preview_reports_new_changed_skipped_and_changes_nothing(admin_client):
    CategoryFactory(slug="shoes")
    ProductFactory(sku="SAME", slug="same", title="Same", description="", price=Decimal("1.00"), stock=1)
    ProductFactory(sku="OLD", slug="old", title="Old", price=Decimal("1.00"), stock=1)
    content = HEADER + "NEW,new,New,,2.50,,5,1,shoes\nOLD,old,Old,,9.99,,1,1,\nSAME,same,Same,,1.00,,1,1,\n"
    response = preview(admin_client, Product, content)
    assert totals(response) == {
        RowResult.IMPORT_TYPE_NEW: 1,
        RowResult.IMPORT_TYPE_UPDATE: 1,
        RowResult.IMPORT_TYPE_SKIP: 1,
    }
    assert response.context["confirm_form"] is not None
    assert not Product.objects.filter(sku="NEW").exists()
    assert Product.objects.get(sku="OLD").price == Decimal("1.00")


def test_product_import_confirm_creates_updates_and_moves_stock_through_the_ledger(admin_client, superuser):
    CategoryFactory(slug="shoes")
    CategoryFactory(slug="sale")
    ProductFactory(sku="OLD", slug="old", stock=10)
    content = HEADER + "NEW,new,New,,2.50,,5,1,shoes|sale\nOLD,old,Old,,9.99,,3,1,\n"
    response = import_file(admin_client, Product, content)
    assert response.status_code == 302
    new = Product.objects.get(sku="NEW")
    assert {c.slug for c in new.categories.all()} == {"shoes", "sale"}
    assert list(new.stock_movements.values_list("delta", "reason", "user")) == [(5, "import", superuser.pk)]
    old = Product.objects.get(sku="OLD")
    assert (old.stock, old.price) == (3, Decimal("9.99"))
    assert old.stock_movements.first().delta == -7
    assert "1 new, 1 updated" in " ".join(messages_of(response))


def test_reimporting_the_same_file_skips_every_row_and_never_duplicates(admin_client):
    content = HEADER + "A-1,a-1,A,,1.00,,2,1,\nB-1,b-1,B,,2.00,,3,1,\n"
    import_file(admin_client, Product, content)
    movements = StockMovement.objects.count()
    response = preview(admin_client, Product, content)
    assert totals(response) == {RowResult.IMPORT_TYPE_SKIP: 2}
    confirm(admin_client, Product, response)
    assert Product.objects.count() == 2
    assert StockMovement.objects.count() == movements


def test_product_file_with_an_invalid_row_shows_every_error_and_imports_nothing(admin_client):
    content = HEADER + "OK-1,ok-1,Fine,,1.00,,1,1,\nBAD-1,bad-1,Bad,,-4,,x,1,nope\n"
    response = preview(admin_client, Product, content)
    assert response.context.get("confirm_form") is None
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert set(invalid.error_dict) >= {"price", "stock", "categories"}
    html = response.content.decode()
    assert "No category with slug nope." in html
    assert not Product.objects.exists()


def test_confirm_rolls_back_everything_when_a_row_became_invalid_after_the_preview(admin_client):
    CategoryFactory(slug="gone")
    response = preview(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,1,1,\nB-1,b-1,B,,1.00,,1,1,gone\n")
    Category.objects.filter(slug="gone").delete()
    result = confirm(admin_client, Product, response)
    assert result.status_code == 302
    assert "nothing was changed" in " ".join(messages_of(result))
    assert not Product.objects.exists()
    assert not StockMovement.objects.exists()


def test_missing_slug_is_made_from_the_title(admin_client):
    import_file(admin_client, Product, HEADER + "S-1,,Blue Shirt,,1.00,,0,1,\n")
    assert Product.objects.get(sku="S-1").slug == "blue-shirt"


def test_xlsx_and_json_imports_work(admin_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["sku", "slug", "title", "price", "stock", "is_active"])
    sheet.append(["X-1", "x-1", "From Excel", 3.5, 2, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    import_file(admin_client, Product, buffer.getvalue(), fmt=XLSX, name="p.xlsx")
    rows = [{"sku": "J-1", "slug": "j-1", "title": "From JSON", "price": "1.25", "stock": 1, "is_active": 1}]
    import_file(admin_client, Product, json.dumps(rows), fmt=JSON, name="p.json")
    assert Product.objects.get(sku="X-1").price == Decimal("3.50")
    assert Product.objects.get(sku="J-1").stock == 1


def test_upload_over_the_size_limit_is_refused_with_a_clear_error(admin_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = preview(admin_client, Product, HEADER + "A,a,A,,1,,1,1,\n" * 10)
    assert response.status_code == 200
    assert "imports are limited to 100" in response.content.decode()
    assert "result" not in response.context or response.context["result"] is None


def test_file_between_preview_and_confirm_is_kept_in_media_storage(admin_client, settings):
    response = preview(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,1,1,\n")
    name = response.context["confirm_form"].initial["import_file_name"]
    assert (settings.MEDIA_ROOT / "django-import-export" / name).exists()


def test_categories_import_by_slug_with_parent_by_slug(admin_client):
    CategoryFactory(slug="clothes", name="Clothes")
    content = "slug,name,parent,description\nshirts,Shirts,clothes,\nclothes,Clothing,,Renamed\n"
    import_file(admin_client, Category, content)
    shirts = Category.objects.get(slug="shirts")
    assert (shirts.parent.slug, shirts.path, shirts.depth) == ("clothes", "clothes/shirts", 1)
    assert Category.objects.get(slug="clothes").name == "Clothing"


def test_category_import_refuses_a_cycle(admin_client):
    parent = CategoryFactory(slug="a")
    CategoryFactory(slug="b", parent=parent)
    response = preview(admin_client, Category, "slug,name,parent\na,A,b\n")
    assert response.context.get("confirm_form") is None
    assert "cannot be placed under itself" in response.content.decode()


# --- Export -----------------------------------------------------------------------------------------


def export(client, model, fmt=CSV, resource="0", **extra):
    """POST the export form with every column of the chosen resource ticked."""
    resource_class = admin.site._registry[model].resource_classes[int(resource)]
    columns = {f"{resource_class.__name__.lower()}_{name}": "on" for name in resource_class().get_export_order()}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    return client.post(url, {"format": fmt, "resource": resource, **columns, **extra})


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =HYPERLINK()", "'  =HYPERLINK()"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("+3.20", "+3.20"),
        ("plain", "plain"),
        (-5, -5),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected
    assert unescape_cell(escape_cell(value)) == value


def test_csv_export_escapes_formula_cells_and_keeps_numbers(admin_client):
    ProductFactory(sku="F-1", title='=HYPERLINK("http://evil")', description=" \t@SUM(1)", price=Decimal("5.00"))
    [row] = csv_rows(export(admin_client, Product))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["description"] == "' \t@SUM(1)"
    assert row["price"] == "5.00"


def test_xlsx_export_escapes_formula_cells_and_keeps_numbers_numeric(admin_client):
    ProductFactory(sku="F-1", title="+1+1", stock=4)
    response = export(admin_client, Product, fmt=XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["title"] == "'+1+1"
    assert values["stock"] == 4
    assert sheet.cell(row=2, column=header.index("title") + 1).data_type == "s"


def test_exported_products_reimport_unchanged(admin_client):
    CategoryFactory(slug="shoes")
    ProductFactory(sku="R-1", title="=not a formula", categories=Category.objects.all())
    content = export(admin_client, Product).content
    response = preview(admin_client, Product, content)
    assert totals(response) == {RowResult.IMPORT_TYPE_SKIP: 1}


def test_export_selected_action_exports_only_the_selection(admin_client):
    first, _ = ProductFactory.create_batch(2)
    rows = csv_rows(export(admin_client, Product, export_items=[first.pk]))
    assert [r["sku"] for r in rows] == [first.sku]


@pytest.mark.parametrize("count", [1, 40])
def test_product_export_makes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, count):
    ProductFactory.create_batch(count, categories=CategoryFactory.create_batch(2))
    with django_assert_max_num_queries(10):  # 8, the variant columns' options and option sets, images
        assert len(csv_rows(export(admin_client, Product))) == count


# --- Limits and lost files ---------------------------------------------------------------------------


def _kept_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "django-import-export"
    return list(folder.iterdir()) if folder.exists() else []


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", [CSV, XLSX, JSON])
def test_a_file_with_more_rows_than_the_limit_is_refused_in_the_form(admin_client, settings, fmt):
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"R-{n}", f"r-{n}", "R", "", "1.00", "", 1, 1, ""] for n in range(4)]
    content = {
        CSV: HEADER + "".join(",".join(map(str, row)) + "\n" for row in rows),
        XLSX: _xlsx([HEADER.strip().split(","), *rows]),
        JSON: json.dumps([dict(zip(HEADER.strip().split(","), row, strict=True)) for row in rows]),
    }[fmt]
    response = preview(admin_client, Product, content, fmt=fmt, name="big.file")
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "The file has 4 rows; an import takes at most 3 rows" in response.content.decode()
    assert not Product.objects.exists()
    assert _kept_files(settings) == []  # the refused upload is not kept for a confirm


def test_a_file_under_the_upload_limit_but_with_110k_rows_is_refused_before_any_row_is_imported(admin_client):
    """The issue's file: 4.5 MiB, 110,000 rows. Its preview used to run past gunicorn's timeout (a 500)."""
    content = HEADER + "".join(f"B-{n},b-{n},Bulk thing {n},,9.99,,1,1,\n" for n in range(110_000))
    assert len(content) < 5 * 1024 * 1024
    with CaptureQueriesContext(connection) as queries:
        response = preview(admin_client, Product, content)
    assert "The file has 110,000 rows; an import takes at most 100,000 rows" in response.content.decode()
    assert not [q for q in queries.captured_queries if "catalog_product" in q["sql"]]


def test_the_import_form_states_the_limits(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 10_000
    html = admin_client.get(reverse("admin:catalog_product_import")).content.decode()
    assert "At most 50.0\xa0MB and 10,000 rows per file." in html


def test_a_file_at_the_row_limit_imports(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 2
    import_file(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,1,1,\nB-1,b-1,B,,1.00,,1,1,\n")
    assert Product.objects.count() == 2


def test_confirming_after_the_kept_file_is_gone_changes_nothing_and_says_so(admin_client, settings):
    response = preview(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,1,1,\n")
    for kept in _kept_files(settings):
        kept.unlink()
    result = confirm(admin_client, Product, response)
    assert result.status_code == 302
    assert result.url == reverse("admin:catalog_product_import")
    assert "The previewed file is no longer available" in " ".join(messages_of(result))
    assert not Product.objects.exists()


def test_confirming_twice_imports_once_and_explains_the_second_time(admin_client):
    response = preview(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,5,1,\n")
    assert confirm(admin_client, Product, response).status_code == 302
    second = confirm(admin_client, Product, response)
    assert "nothing was changed" in " ".join(messages_of(second))
    assert Product.objects.get(sku="A-1").stock_movements.count() == 1


def test_an_expired_file_in_the_cache_storage_is_explained_too(admin_client, settings):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
    response = preview(admin_client, Product, HEADER + "A-1,a-1,A,,1.00,,1,1,\n")
    cache.clear()
    result = confirm(admin_client, Product, response)
    assert "The previewed file is no longer available" in " ".join(messages_of(result))
    assert not Product.objects.exists()


# --- Rows go through the services ---------------------------------------------------------------------


def test_an_imported_negative_zero_price_is_previewed_and_stored_as_zero(admin_client):
    ProductFactory(sku="OLD", slug="old", price=Decimal("4.00"))
    content = HEADER + "NEW,new,New,,-0,,1,1,\nOLD,old,Old,,-0.00,,10,1,\n"
    response = preview(admin_client, Product, content)
    prices = [row.diff[HEADER.split(",").index("price")] for row in response.context["result"].rows]
    assert not any("-0" in price for price in prices), prices
    confirm(admin_client, Product, response)
    assert {p.sku: str(p.price) for p in Product.objects.all()} == {"NEW": "0.00", "OLD": "0.00"}


def test_a_file_without_a_categories_column_keeps_the_categories(admin_client):
    shoes = CategoryFactory(slug="shoes")
    ProductFactory(sku="OLD", slug="old", title="Old", categories=[shoes])
    import_file(admin_client, Product, "sku,slug,title,price\nOLD,old,Renamed,1.00\n")
    product = Product.objects.get(sku="OLD")
    assert (product.title, list(product.categories.all())) == ("Renamed", [shoes])


# --- Export formats ----------------------------------------------------------------------------------


def test_xlsx_export_keeps_prices_stock_and_ratings_numeric_on_a_sheet_named_after_the_model(admin_client):
    ProductFactory(sku="N-1", price=Decimal("5.10"), stock=4, rating_rate=Decimal("3.90"), rating_count=120)
    book = openpyxl.load_workbook(io.BytesIO(export(admin_client, Product, fmt=XLSX).content))
    sheet = book.active
    assert book.sheetnames == ["Products"]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert [cells[name].data_type for name in ("price", "stock", "rating_rate", "rating_count")] == ["n"] * 4
    assert (cells["price"].value, cells["stock"].value, cells["rating_count"].value) == (5.1, 4, 120)
    assert cells["price"].number_format == cells["rating_rate"].number_format == "0.00"


def test_order_line_export_sheet_is_named_after_order_items(admin_client):
    OrderFactory()
    response = export(admin_client, Order, fmt=XLSX, resource="1")
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["Order items"]


def test_csv_export_starts_with_a_byte_order_mark_for_excel_and_reimports(admin_client):
    ProductFactory(sku="U-1", title="Café crème, Zürich 日本")
    content = export(admin_client, Product).content
    assert content.startswith("\ufeff".encode())
    assert csv_rows(export(admin_client, Product))[0]["title"] == "Café crème, Zürich 日本"
    assert totals(preview(admin_client, Product, content)) == {RowResult.IMPORT_TYPE_SKIP: 1}


def test_json_export_has_no_byte_order_mark(admin_client):
    ProductFactory(sku="J-1", price=Decimal("5.10"))
    content = export(admin_client, Product, fmt=JSON).content
    assert json.loads(content)[0]["price"] == "5.10"


def _rows(count: int, price="1.00") -> str:
    return HEADER + "".join(f"Q-{n},q-{n},Q {n},,{price},,{n % 7 + 1},1,shoes|sale\n" for n in range(count))


def test_an_import_looks_each_category_up_once(admin_client):
    CategoryFactory(slug="shoes")
    CategoryFactory(slug="sale")
    with CaptureQueriesContext(connection) as queries:
        preview(admin_client, Product, _rows(20))
    lookups = [q["sql"] for q in queries.captured_queries if '"slug" IN' in q["sql"] and "catalog_category" in q["sql"]]
    assert len(lookups) == 1


@pytest.mark.parametrize("kind", ["new", "changed"])
def test_import_queries_per_row_stay_within_budget(admin_client, kind):
    """Each row goes through the services (about 18 queries, savepoints included); the whole file runs in
    one request, so IMPORT_MAX_ROWS times this must stay well within the web server's timeout."""
    CategoryFactory(slug="shoes")
    CategoryFactory(slug="sale")
    if kind == "changed":
        import_file(admin_client, Product, _rows(30))
    with CaptureQueriesContext(connection) as queries:
        response = preview(admin_client, Product, _rows(30, price="2.00"))
    assert totals(response) == {RowResult.IMPORT_TYPE_NEW if kind == "new" else RowResult.IMPORT_TYPE_UPDATE: 30}
    assert len(queries) <= 19 * 30 + 20
