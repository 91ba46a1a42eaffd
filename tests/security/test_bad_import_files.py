"""Bad files through the admin import (preview step): clear file or row errors, never a crash, nothing written."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shop.catalog.models import Category, Product, StockMovement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV, XLSX, JSON = "0", "1", "2"
HEADER = "sku,slug,title,description,price,image,stock,is_active,categories\n"


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _preview(client, content: bytes | str, fmt: str, name: str, model=Product):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    data = content if isinstance(content, bytes) else content.encode()
    return client.post(url, {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)})


def _errors_shown(response) -> str:
    """The problems the page shows: form errors, or the result's row and file errors."""
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None, "a bad file must not reach the confirm step"
    texts = []
    form = response.context.get("form")
    if form is not None and form.errors:
        texts.append(str(form.errors))
    result = response.context.get("result")
    if result is not None:
        texts += [str(e.error) for row in result.error_rows for e in row.errors]
        texts += [str(row.error_dict) for row in result.invalid_rows]
        texts += [str(e.error) for e in result.base_errors]
    assert texts, "no error was shown"
    return " ".join(texts)


def _nothing_written():
    assert not Product.objects.exists()
    assert not StockMovement.objects.exists()


BAD_FILES = {
    "csv-binary-garbage": (bytes(range(256)) * 4, CSV, "p.csv"),
    "csv-unclosed-quote": (HEADER + 'A-1,a-1,"Unclosed,,1.00,,1,1,\n', CSV, "p.csv"),
    "csv-empty": (b"", CSV, "p.csv"),
    "csv-header-only-wrong-columns": ("name,cost,qty\nShoe,1.00,3\n", CSV, "p.csv"),
    "csv-missing-key-column": ("title,price\nShoe,1.00\n", CSV, "p.csv"),
    "xlsx-not-a-zip": (b"PK\x03\x04 this is not really a workbook", XLSX, "p.xlsx"),
    "xlsx-zip-without-workbook": (None, XLSX, "p.xlsx"),
    "xlsx-wrong-columns": (_xlsx([["colour", "size"], ["red", 3]]), XLSX, "p.xlsx"),
    "json-syntax-error": ('[{"sku": "A-1", ', JSON, "p.json"),
    "json-object-not-list": ('{"sku": "A-1", "title": "A", "price": "1.00"}', JSON, "p.json"),
    "json-list-of-numbers": ("[1, 2, 3]", JSON, "p.json"),
    "json-wrong-columns": (json.dumps([{"colour": "red"}]), JSON, "p.json"),
}


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_file_is_refused_with_a_clear_error(admin_client, case):
    content, fmt, name = BAD_FILES[case]
    if content is None:
        content = _zip_without_workbook()
    shown = _errors_shown(_preview(admin_client, content, fmt, name))
    assert "Traceback" not in shown
    _nothing_written()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("A-1,a-1,A,,abc,,1,1,", "price"),
        ("A-1,a-1,A,,-1.00,,1,1,", "price"),
        ("A-1,a-1,A,,1.00,,-5,1,", "stock"),
        ("A-1,a-1,A,,1.00,,99999999999999999999,1,", "stock"),
        ("A-1,a-1,A,,1.00,,1,1,no-such-category", "categories"),
        ("A-1,not a slug!,A,,1.00,,1,1,", "slug"),
        (",a-1,A,,1.00,,1,1,", "sku"),
    ],
)
def test_a_bad_cell_is_a_row_error_naming_the_field(admin_client, row, field):
    shown = _errors_shown(_preview(admin_client, HEADER + row + "\n", CSV, "p.csv"))
    assert field in shown
    _nothing_written()


def test_one_bad_row_among_many_keeps_the_whole_file_out(admin_client):
    rows = "".join(f"OK-{n},ok-{n},Fine {n},,1.00,,1,1,\n" for n in range(200))
    shown = _errors_shown(_preview(admin_client, HEADER + rows + "BAD,bad,Bad,,x,,1,1,\n", CSV, "p.csv"))
    assert "price" in shown
    _nothing_written()


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(admin_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10_000
    rows = "".join(f"OK-{n},ok-{n},Fine {n},,1.00,,1,1,\n" for n in range(1000))
    shown = _errors_shown(_preview(admin_client, HEADER + rows, CSV, "p.csv"))
    assert "limited to" in shown
    _nothing_written()


def _formula_cases():
    formulas = ["=1+2", '=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)"]
    for fmt in (CSV, XLSX):
        for formula in formulas:
            # In XLSX, openpyxl stores "=..." as a formula whose value is unknown: it reads as a blank cell.
            yield pytest.param(fmt, formula)


@pytest.mark.parametrize(("fmt", "formula"), list(_formula_cases()))
def test_a_formula_in_a_cell_is_refused_in_the_preview(admin_client, fmt, formula):
    rows = [["slug", "name", "description"], ["tools", formula, "x"]]
    if fmt == CSV:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        content, name = buffer.getvalue(), "c.csv"
    else:
        content, name = _xlsx(rows), "c.xlsx"
    shown = _errors_shown(_preview(admin_client, content, fmt, name, model=Category))
    assert "name" in shown
    assert not Category.objects.exists()


def test_a_formula_refused_in_a_csv_is_named_as_a_formula(admin_client):
    content = "slug,name,description\ntools,=1+2,x\n"
    shown = _errors_shown(_preview(admin_client, content, CSV, "c.csv", model=Category))
    assert "spreadsheet formula" in shown
    assert not Category.objects.exists()


def test_a_quoted_formula_imports_as_the_text_it_escapes(admin_client):
    content = "slug,name,description\ntools,'=1+2,x\n"
    response = _preview(admin_client, content, CSV, "c.csv", model=Category)
    result = response.context["result"]
    assert response.context.get("confirm_form") is not None
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.valid_rows()] == ["new"]
