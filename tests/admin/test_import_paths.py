"""The product import's two paths obey the same rules: a file without variant columns is written in bulk
(`shop.catalog.bulk.products_save_many`), one with them row by row through the product services
(`shop.catalog.variant_resources`). The same bad rows give the same errors on both and change nothing; the
same good rows about existing variants and parents give the same products."""

from decimal import Decimal

import pytest
import tablib

from shop.catalog import resources
from shop.catalog.models import MAX_STOCK, Product, StockMovement
from shop.catalog.resources import ProductResource
from shop.catalog.variants import PARENT_HAS_NO_STOCK, PARENT_PRICE_FOLLOWS
from tests.factories import CategoryFactory, ProductFactory, attribute_with_values, product_with_variants

pytestmark = pytest.mark.django_db

HEADERS = ("sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories")
PATHS = ("bulk", "rows")
NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."


def run(rows, path: str, *, dry_run: bool = False):
    """Import `rows` on `path`: "rows" adds an empty `structure` column, which sends the file row by row."""
    extra = ("structure",) if path == "rows" else ()
    data = tablib.Dataset(*[(*row, *("" for _ in extra)) for row in rows], headers=HEADERS + extra)
    return ProductResource().import_data(
        data, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


def errors(result) -> dict[int, dict]:
    return {r.number: {k: [str(m) for m in v] for k, v in r.error_dict.items()} for r in result.invalid_rows}


def row(sku, *, slug=None, title=None, price="1.00", stock="1", active="1", categories=""):
    return (
        sku,
        slug or sku.lower(),
        f"Title {sku}" if title is None else title,
        "",
        price,
        "",
        stock,
        active,
        categories,
    )


def a_parent():
    """A parent P (10.00) with variants P-S and P-M at 10.00, 5 units each."""
    parent, children = product_with_variants({"size": ["s", "m"]}, sku="P", slug="p", title="Parent")
    return parent, children


def state() -> list:
    products = Product.objects.order_by("sku").values_list("sku", "title", "price", "stock", "is_active")
    return [list(products), StockMovement.objects.count()]


class StockBound:
    """The bound's message: the import's own, or the model's where the database states the column's range
    (PostgreSQL), which comes first."""

    def __eq__(self, message):
        return message in (
            f"Stock cannot exceed {MAX_STOCK:,} units (A).",
            f"Ensure this value is less than or equal to {MAX_STOCK}.",
        )


BAD_ROWS = {
    "a negative price": (lambda: [row("A", price="-1.00")], {1: {"price": [NOT_NEGATIVE]}}),
    "a price that is no number": (lambda: [row("A", price="abc")], {1: {"price": ["'abc' is not a valid value."]}}),
    "stock over the bound": (
        lambda: [row("A", stock=str(MAX_STOCK + 1))],
        {1: {"stock": [StockBound()]}},
    ),
    "a negative stock": (lambda: [row("A", stock="-1")], {1: {"stock": [NOT_NEGATIVE]}}),
    "an unknown category": (
        lambda: [row("A", categories="nope")],
        {1: {"categories": ["No category with slug nope."]}},
    ),
    "a sku twice": (lambda: [row("A"), row("A", slug="a-2")], {2: {"sku": ["Row 1 of this file has the same sku."]}}),
    "a slug twice": (
        lambda: [row("A", slug="s"), row("B", slug="s")],
        {2: {"slug": ["Row 1 of this file has the same slug."]}},
    ),
    "a slug another product holds": (
        lambda: (ProductFactory(sku="OTHER", slug="taken"), [row("A", slug="taken")])[1],
        {1: {"slug": ["Product with this Slug already exists."]}},
    ),
    "no title": (lambda: [row("A", title="")], {1: {"title": ["This field cannot be blank."]}}),
    "stock on a parent": (
        lambda: (a_parent(), [row("P", title="Parent", price="10.00", stock="5")])[1],
        {1: {"stock": [PARENT_HAS_NO_STOCK]}},
    ),
    "a price set on a parent": (
        lambda: (a_parent(), [row("P", title="Parent", price="99.00", stock="0")])[1],
        {1: {"price": [f"{PARENT_PRICE_FOLLOWS} It is 10.00 now (P)."]}},
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_the_same_error_on_both_paths_and_changes_nothing(case, path):
    CategoryFactory(slug="shoes")
    make_rows, expected = BAD_ROWS[case]
    rows = make_rows()
    before = state()
    for dry_run in (True, False):
        result = run(rows, path, dry_run=dry_run)
        assert errors(result) == expected
        assert not result.has_errors()
    assert state() == before


@pytest.mark.parametrize("path", PATHS)
def test_an_existing_parent_takes_a_new_title_when_its_price_is_repeated_or_left_empty(path):
    a_parent()
    result = run(
        [row("P", title="Renamed", price="10.00", stock="0"), row("P-S", title="", price="10.00", stock="5")], path
    )
    assert not result.has_validation_errors() and not result.has_errors()
    assert Product.objects.get(sku="P").title == "Renamed"


@pytest.mark.parametrize("path", PATHS)
def test_a_variants_new_price_or_deactivation_moves_its_parents_price(path):
    a_parent()
    run([row("P-S", title="", price="7.50", stock="5")], path)
    assert Product.objects.get(sku="P").price == Decimal("7.50")
    run([row("P-S", title="", price="7.50", stock="5", active="0")], path)
    assert Product.objects.get(sku="P").price == Decimal("10.00")


@pytest.mark.parametrize("path", PATHS)
def test_a_variants_stock_enters_the_ledger_on_both_paths(path):
    a_parent()
    run([row("P-M", title="", price="10.00", stock="8")], path)
    movement = StockMovement.objects.filter(product__sku="P-M").latest("pk")
    assert (movement.delta, movement.reason) == (3, "import")


def test_a_file_naming_parents_or_options_never_takes_the_bulk_path(monkeypatch):
    """Variant rows (a child of a non-parent, a combination a sibling has) can only come with the variant
    columns, which the services check row by row (tests/admin/test_variants_import.py has their errors)."""
    attribute_with_values("size", ["s"])
    monkeypatch.setattr(resources, "products_save_many", lambda **kwargs: pytest.fail("bulk path taken"))
    data = tablib.Dataset(
        ("TEE", "tee", "Tee", "", "", "", "0", "1", "", ""),
        ("TEE-S", "", "", "", "5.00", "", "1", "1", "", "TEE"),
        headers=(*HEADERS, "parent_sku"),
    )
    data.append_col(["", "size=s"], header="options")
    result = ProductResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_validation_errors() and not result.has_errors()
    assert Product.objects.get(sku="TEE").price == Decimal("5.00")
