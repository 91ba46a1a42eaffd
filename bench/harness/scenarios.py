"""The scenarios: for each, the requests replayed against the shop and against its limit view."""

import json
import random
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count

from bench.harness.load import Request
from bench.harness.prepare import Prepared
from shop.catalog.models import Category, Product
from shop.devdata.datagen.words import MATERIALS

JSON = {"Content-Type": "application/json"}


@dataclass
class Scenario:
    name: str
    shop: list[Request]
    limit: list[Request]
    mode: str = "cycle"  # "once": every request used at most once (checkout of fresh carts)
    expect: int = 200


PAGE_SIZE = 20
DEEP_PAGES_FROM = 100  # a data set with fewer pages than this has no deep pages to measure


def build_scenarios(prepared: Prepared, seed: int) -> dict[str, Scenario]:
    rng = random.Random(seed)
    builders = (
        product_list, product_list_filtered, product_detail, product_search, product_deep_page, product_page_100,
        cart_patch, checkout, admin_changelist, admin_dashboard,
    )  # fmt: skip
    scenarios = [builder(prepared, rng) for builder in builders]
    return {scenario.name: scenario for scenario in scenarios}


def _last_page(page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-Product.objects.filter(is_active=True).count() // page_size))


def _get(path: str, **params) -> Request:
    return Request("GET", f"{path}?{urlencode(params)}" if params else path)


def product_list(prepared: Prepared, rng: random.Random) -> Scenario:
    pages = [rng.randint(1, min(200, _last_page())) for _ in range(500)]
    return Scenario(
        "product_list",
        [_get("/api/v1/products/", page=p) for p in pages],
        [_get("/bench/products/", page=p) for p in pages],
    )


def product_list_filtered(prepared: Prepared, rng: random.Random) -> Scenario:
    """search (a material word) + category (a slug with many products) + ordering=-price, first page."""
    slugs = list(
        Category.objects.annotate(n=Count("products"))
        .filter(n__gt=0)
        .order_by("-n")
        .values_list("slug", flat=True)[:40]
    )
    combos = [(rng.choice(MATERIALS).lower(), rng.choice(slugs)) for _ in range(200)] if slugs else []
    return Scenario(
        "product_list_filtered",
        [_get("/api/v1/products/", search=w, category=s, ordering="-price") for w, s in combos],
        [_get("/bench/products/filtered/", search=w, category=s) for w, s in combos],
    )


def product_search(prepared: Prepared, rng: random.Random) -> Scenario:
    """`search=` alone (a material word, which about one product in sixteen has), first page."""
    words = [rng.choice(MATERIALS).lower() for _ in range(200)]
    return Scenario(
        "product_search",
        [_get("/api/v1/products/", search=w) for w in words],
        [_get("/bench/products/search/", search=w) for w in words],
    )


def product_deep_page(prepared: Prepared, rng: random.Random) -> Scenario:
    """Pages from the middle to the end of the list (page 2000 of 4750 at 100k products)."""
    last = _last_page()
    pages = [rng.randint(last // 2, last) for _ in range(500)] if last >= DEEP_PAGES_FROM else []
    return Scenario(
        "product_deep_page",
        [_get("/api/v1/products/", page=p) for p in pages],
        [_get("/bench/products/", page=p) for p in pages],
    )


def product_page_100(prepared: Prepared, rng: random.Random) -> Scenario:
    pages = [rng.randint(1, min(40, _last_page(100))) for _ in range(200)]
    return Scenario(
        "product_page_100",
        [_get("/api/v1/products/", page=p, page_size=100) for p in pages],
        [_get("/bench/products/", page=p, page_size=100) for p in pages],
    )


def product_detail(prepared: Prepared, rng: random.Random) -> Scenario:
    active = list(Product.objects.filter(is_active=True).values_list("id", flat=True))
    ids = rng.sample(active, k=min(2000, len(active)))
    return Scenario(
        "product_detail",
        [_get(f"/api/v1/products/{pk}/") for pk in ids],
        [_get(f"/bench/products/{pk}/") for pk in ids],
    )


def _patch_requests(prefix: str, shoppers, products, rng: random.Random) -> list[Request]:
    requests = []
    for _ in range(4000):
        shopper = rng.choice(shoppers)
        body = json.dumps({"add": [{"product": rng.choice(products), "quantity": 1}]}, separators=(",", ":"))
        headers = {**JSON, "Authorization": f"Bearer {shopper.token}"}
        requests.append(Request("PATCH", f"{prefix}/{shopper.cart_id}/", body, headers))
    return requests


def cart_patch(prepared: Prepared, rng: random.Random) -> Scenario:
    """Add one unit of a hot product to the caller's open cart (per-user JWT)."""
    hot = prepared.hot_products[:20]
    return Scenario(
        "cart_patch_add",
        _patch_requests("/api/v1/carts", prepared.patch["shop"], hot, rng),
        _patch_requests("/bench/carts", prepared.patch["limit"], hot, rng),
    )


def _checkout_requests(prefix: str, shoppers) -> list[Request]:
    return [
        Request("POST", f"{prefix}/{s.cart_id}/checkout/", "{}", {**JSON, "Authorization": f"Bearer {s.token}"})
        for s in shoppers
    ]


def checkout(prepared: Prepared, rng: random.Random) -> Scenario:
    return Scenario(
        "checkout",
        _checkout_requests("/api/v1/carts", prepared.checkout["shop"]),
        _checkout_requests("/bench/carts", prepared.checkout["limit"]),
        mode="once",
        expect=201,
    )


def admin_changelist(prepared: Prepared, rng: random.Random) -> Scenario:
    cookie = {"Cookie": f"sessionid={prepared.staff_cookie}"}
    pages = [rng.randint(1, min(50, -(-Product.objects.count() // 50))) for _ in range(200)]
    return Scenario(
        "admin_changelist",
        [Request("GET", f"/admin/catalog/product/?p={p}", headers=cookie) for p in pages],
        [Request("GET", f"/bench/admin/products/?p={p}", headers=cookie) for p in pages],
    )


def admin_dashboard(prepared: Prepared, rng: random.Random) -> Scenario:
    """The admin index with its dashboard (a superuser sees every block). No limit: the target is its latency."""
    cookie = {"Cookie": f"sessionid={prepared.staff_cookie}"}
    return Scenario("admin_dashboard", [Request("GET", "/admin/", headers=cookie)], [])
