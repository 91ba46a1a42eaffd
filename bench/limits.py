"""The "limit" of each read scenario: the same page answered with one hand-written SQL query and orjson.

No DRF, no ORM, no serializers, no template engine: what the machine can do for this page when
nothing but the database and JSON encoding is paid for. Mounted only by bench.urls (bench settings).
"""

from html import escape

import orjson
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound

from shop.catalog import search

PAGE_SIZE = 20
ADMIN_PAGE_SIZE = 50  # ProductAdmin.list_per_page
JSON_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z
COLUMNS = (
    "id", "sku", "slug", "title", "description", "price", "image", "stock", "is_active",
    "rating_rate", "rating_count", "created_at", "updated_at",
)  # fmt: skip
PRODUCT_COLUMNS = ", ".join(f"p.{c}" for c in COLUMNS)
#: The benchmark's data set holds standalone products without uploaded images: what the API answers for the
#: variant and image fields of such a product. The bench serves one language (LANGUAGES=en), so `translations`
#: (the other served languages) is empty.
STANDALONE_FIELDS = {
    "thumbnail": None, "images": [], "structure": "standalone", "parent": None, "options": {},
    "option_attributes": [], "variants": [], "price_range": None, "translations": {},
}  # fmt: skip


def json_response(data, status=200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data, option=JSON_OPTIONS), status=status, content_type="application/json")


def money(value) -> str:
    return f"{value:.2f}"


def _categories_sql() -> str:
    """The page row's categories as a JSON array of `{id, slug, name}` (sorted by id in `_product`)."""
    if connection.vendor == "postgresql":
        aggregate = "json_agg(json_build_object('id', c.id, 'slug', c.slug, 'name', c.name))::text"
    else:
        aggregate = "json_group_array(json_object('id', c.id, 'slug', c.slug, 'name', c.name))"
    return (
        f"(SELECT {aggregate} FROM catalog_product_categories pc JOIN catalog_category c ON c.id = pc.category_id "  # noqa: S608
        "WHERE pc.product_id = page.id)"
    )


def _product(row) -> dict:
    item = dict(zip(COLUMNS, row[: len(COLUMNS)], strict=True))
    categories = row[len(COLUMNS)]
    item["categories"] = sorted(orjson.loads(categories) if categories else [], key=lambda category: category["id"])
    item["price"] = money(item["price"])
    item["currency"] = settings.SHOP_CURRENCY
    item["is_active"] = bool(item["is_active"])
    item["rating"] = {"rate": money(item.pop("rating_rate")), "count": item.pop("rating_count")}
    item.update(STANDALONE_FIELDS, in_stock=item["stock"] > 0)
    return item


def _page_query(where: str, order: str, with_total: bool = True) -> str:
    """The page's rows first (LIMIT in a subquery), then the categories of those rows only; the total is an
    uncorrelated scalar subquery, computed once. Parameters: where (total), where (page), limit, offset."""
    inner = f"SELECT {PRODUCT_COLUMNS} FROM catalog_product p WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
    total = f"(SELECT COUNT(*) FROM catalog_product p WHERE {where})" if with_total else "1"  # noqa: S608
    outer_order = order.replace("p.", "page.")
    columns = ", ".join(f"page.{c}" for c in COLUMNS)
    return f"SELECT {columns}, {_categories_sql()}, {total} FROM ({inner}) page ORDER BY {outer_order}"  # noqa: S608


def _list_page(request, where: str, order: str, params: list) -> HttpResponse:
    try:
        page = max(1, int(request.GET.get("page", "1")))
        size = min(100, max(1, int(request.GET.get("page_size", PAGE_SIZE))))
    except ValueError:
        return json_response({"detail": "bad page"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(_page_query(where, order), [*params, *params, size, (page - 1) * size])
        rows = cursor.fetchall()
    if not rows and page > 1:
        return json_response({"detail": "Invalid page."}, status=404)
    count = rows[0][-1] if rows else 0
    base = request.build_absolute_uri(request.path)
    query = request.GET.copy()
    links = {}
    for name, number in (("next", page + 1), ("previous", page - 1)):
        exists = number * size - size < count if name == "next" else number >= 1
        query["page"] = str(number)
        links[name] = f"{base}?{query.urlencode()}" if exists else None
    return json_response({"count": count, **links, "results": [_product(row) for row in rows]})


def _search(term: str) -> tuple[str, list]:
    """The condition and parameters of one search term, through the same index the shop uses
    (shop/catalog/search.py): trigram GIN on UPPER(column) on PostgreSQL, the FTS5 trigram table on SQLite."""
    if connection.vendor == "sqlite" and len(term) >= search.TRIGRAM:
        return f"p.id IN (SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s)", [f'"{term}"']  # noqa: S608
    pattern = f"%{term}%"
    if connection.vendor == "postgresql":
        columns = ("p.title", "p.description", "p.sku")
        return "(" + " OR ".join(f"UPPER({c}) LIKE UPPER(%s)" for c in columns) + ")", [pattern] * 3
    return "(p.title LIKE %s OR p.description LIKE %s OR p.sku LIKE %s)", [pattern] * 3  # SQLite: ASCII case folded


def product_list(request) -> HttpResponse:
    """GET /bench/products/?page=N — active products by id, 20 per page."""
    return _list_page(request, "p.is_active", "p.id", [])


def product_list_filtered(request) -> HttpResponse:
    """GET /bench/products/filtered/?search=&category=<slug>&page= — as the API's search+category+ordering=-price."""
    condition, params = _search(request.GET.get("search", ""))
    where = (
        f"p.is_active AND {condition} AND p.id IN ("  # noqa: S608
        "SELECT pc.product_id FROM catalog_product_categories pc JOIN catalog_category c ON c.id = pc.category_id "
        "WHERE c.slug = %s)"
    )
    return _list_page(request, where, "p.price DESC, p.id DESC", [*params, request.GET.get("category", "")])


def product_search(request) -> HttpResponse:
    """GET /bench/products/search/?search=<one word>&page= — as the API's `search=` alone."""
    condition, params = _search(request.GET.get("search", ""))
    return _list_page(request, f"p.is_active AND {condition}", "p.id", params)


def product_detail(request, pk: int) -> HttpResponse:
    """GET /bench/products/<id>/ — one active product."""
    sql = _page_query("p.id = %s AND p.is_active", "p.id", with_total=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, 1, 0])
        row = cursor.fetchone()
    if row is None:
        return HttpResponseNotFound()
    return json_response(_product(row))


ADMIN_SQL = """
SELECT page.id, page.image, page.title, page.sku, page.price, page.stock, page.is_active, page.rating_rate,
       page.rating_count, ({names}) AS categories
FROM (SELECT p.id, p.image, p.title, p.sku, p.price, p.stock, p.is_active, p.rating_rate, p.rating_count
      FROM catalog_product p ORDER BY p.id LIMIT %s OFFSET %s) page
ORDER BY page.id
"""


def _admin_names_sql() -> str:
    aggregate = "string_agg(c.name, ', ')" if connection.vendor == "postgresql" else "group_concat(c.name, ', ')"
    return (
        f"SELECT {aggregate} FROM catalog_product_categories pc JOIN catalog_category c ON c.id = pc.category_id "  # noqa: S608
        "WHERE pc.product_id = page.id"
    )


def admin_changelist(request) -> HttpResponse:
    """GET /bench/admin/products/ — the changelist's rows as a bare HTML table (staff session required)."""
    if not (request.user.is_active and request.user.is_staff):
        return HttpResponse(status=302, headers={"Location": "/admin/login/"})
    page = max(1, int(request.GET.get("p", "1")) if request.GET.get("p", "1").isdigit() else 1)
    with connection.cursor() as cursor:
        cursor.execute(ADMIN_SQL.format(names=_admin_names_sql()), [ADMIN_PAGE_SIZE, (page - 1) * ADMIN_PAGE_SIZE])
        rows = cursor.fetchall()
    body = "".join(
        f'<tr><td><img src="{escape(r[1])}" width="40" height="40"></td><td><a href="{r[0]}/">{escape(r[2])}</a>'
        f"</td><td>{escape(r[3])}</td><td>{money(r[4])}</td><td>{r[5]}</td><td>{bool(r[6])}</td>"
        f"<td>{money(r[7])} ({r[8]})</td><td>{escape(r[9] or '')}</td></tr>"
        for r in rows
    )
    html = f"<!doctype html><title>Products</title><table>{body}</table>"
    return HttpResponse(html, content_type="text/html; charset=utf-8")
