"""The soak's traffic: what it needs in the database, one request file per kind, one wrk per kind side by side.

Kinds and their share of the connections (`KINDS`): anonymous browsing (product list, filtered list,
detail), cart PATCH adds on per-user open carts (JWT), checkout of fresh carts (one user each; a quarter
of them also hold one unit of a scarce product, so 409 "insufficient stock" answers appear once it is sold
out), and the admin product changelist with a staff session cookie. Requests, statuses and latencies are
counted per kind by bench/lua/soak.lua.
"""

import json
import random
import subprocess
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.harness.load import Request, ensure_wrk

LUA = Path(__file__).resolve().parent / "lua" / "soak.lua"
JSON = {"Content-Type": "application/json"}
# kind -> share of the connections; the browse kinds are anonymous.
KINDS = {
    "product_list": 12,
    "product_filtered": 8,
    "product_detail": 12,
    "cart_patch": 12,
    "checkout": 12,
    "admin_list": 8,
}
HOT_PRODUCTS = 40
HOT_STOCK = 1_000_000
SCARCE_PRODUCTS = 10
SCARCE_STOCK = 25
PATCH_USERS = 500
API_PAGE_SIZE, ADMIN_PAGE_SIZE = 20, 50
CHECKOUTS_PER_SECOND = 30  # fresh carts prepared per second of soak (about twice what the shop checks out here)


@dataclass
class Traffic:
    requests: dict[str, list[Request]] = field(default_factory=dict)
    hot: list[int] = field(default_factory=list)
    scarce: list[int] = field(default_factory=list)
    checkout_carts: int = 0


@dataclass
class KindResult:
    kind: str
    connections: int
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    socket_errors: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    fresh: int = 0
    note: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(count for code, count in self.statuses.items() if code >= 500)


def split_connections(total: int, shares: dict[str, int] = KINDS) -> dict[str, int]:
    """`total` connections spread over the kinds in proportion to `shares`, at least one each (largest remainder)."""
    weight = sum(shares.values())
    exact = {kind: total * share / weight for kind, share in shares.items()}
    counts = {kind: max(1, int(value)) for kind, value in exact.items()}
    by_remainder = sorted(shares, key=lambda kind: exact[kind] - int(exact[kind]), reverse=True)
    for kind in by_remainder[: max(0, total - sum(counts.values()))]:
        counts[kind] += 1
    return counts


def parse_summary(kind: str, connections: int, output: str) -> KindResult:
    """The SOAK_JSON line printed by bench/lua/soak.lua as a KindResult (a note when there is none)."""
    for line in output.splitlines():
        if line.startswith("SOAK_JSON "):
            data = json.loads(line.removeprefix("SOAK_JSON "))
            return KindResult(
                kind=kind,
                connections=connections,
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                socket_errors={name: data[name] for name in ("connect", "read", "write", "timeout") if data[name]},
                statuses={int(code): count for code, count in data["statuses"].items()},
                fresh=data["fresh"],
            )
    return KindResult(kind=kind, connections=connections, note="wrk printed no summary")


# --- Preparation (in-process, before the server starts) ----------------------------------------------


def prepare_traffic(*, duration: float, seed: int, tag: str) -> Traffic:
    """Stock for the hot and scarce products (through the ledger), shoppers, carts and tokens, the request lists."""
    from bench.harness.prepare import Prepared
    from bench.harness.scenarios import product_detail, product_list_filtered
    from shop.catalog.models import Product

    rng = random.Random(seed)
    traffic = Traffic(hot=_stock_hot_products(), scarce=_stock_scarce_products())
    browse = Prepared()
    active, everything = Product.objects.filter(is_active=True).count(), Product.objects.count()
    traffic.requests["product_list"] = [
        Request("GET", f"/api/v1/products/?page={page}") for page in _pages(rng, active, API_PAGE_SIZE)
    ]
    traffic.requests["product_filtered"] = product_list_filtered(browse, rng).shop
    traffic.requests["product_detail"] = product_detail(browse, rng).shop
    cookie = {"Cookie": f"sessionid={_staff_cookie()}"}
    traffic.requests["admin_list"] = [
        Request("GET", f"/admin/catalog/product/?p={page}", headers=cookie)
        for page in _pages(rng, everything, ADMIN_PAGE_SIZE)
    ]
    traffic.requests["cart_patch"] = _patch_requests(tag, traffic.hot[:20], rng)
    count = max(500, int(duration * CHECKOUTS_PER_SECOND))
    traffic.requests["checkout"] = _checkout_requests(tag, count, traffic, rng)
    traffic.checkout_carts = count
    return traffic


def _pages(rng: random.Random, rows: int, size: int) -> list[int]:
    """500 random numbers of pages that exist (from 1, like the API's `page` and the admin's `p`)."""
    return [rng.randint(1, max(1, -(-rows // size))) for _ in range(500)]


def _stock_hot_products() -> list[int]:
    from shop.catalog.models import Product, StockMovement
    from shop.catalog.services import stock_adjust

    products = list(Product.objects.filter(is_active=True).order_by("id")[:HOT_PRODUCTS])
    for product in products:
        if product.stock < HOT_STOCK // 2:
            stock_adjust(product=product, delta=HOT_STOCK, reason=StockMovement.Reason.ADJUSTMENT, reference="soak")
    return [product.pk for product in products]


def _stock_scarce_products() -> list[int]:
    """Active products after the hot ones, set to a few units: checkouts sell them out, then get 409."""
    from shop.catalog.models import Product, StockMovement
    from shop.catalog.services import stock_set

    active = Product.objects.filter(is_active=True).order_by("id")
    products = list(active[HOT_PRODUCTS : HOT_PRODUCTS + SCARCE_PRODUCTS])
    for product in products:
        stock_set(product=product, stock=SCARCE_STOCK, reason=StockMovement.Reason.ADJUSTMENT, reference="soak")
    return [product.pk for product in products]


def _staff_cookie() -> str:
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from shop.accounts.models import User

    staff, _ = User.objects.get_or_create(
        email="soak-staff@example.com",
        defaults={"is_staff": True, "is_superuser": True, "password": make_password(None)},
    )
    client = Client()
    client.force_login(staff)
    return client.cookies["sessionid"].value


def _shoppers(tag: str, role: str, count: int) -> list[tuple[int, str]]:
    """`count` new customers with an open cart each: (cart id, access token)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from shop.accounts.models import Address, User
    from shop.carts.models import Cart

    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"soak-{tag}-{role}-{n}@example.com", password=unusable, first_name="Soak", last_name=role)
        for n in range(count)
    )
    Address.objects.bulk_create(
        Address(user=user, line1="1 Soak Street", city="Soakton", postcode="10001", country="US", is_default=True)
        for user in users
    )
    expires = timezone.now() + timedelta(hours=2)
    carts = Cart.objects.bulk_create(Cart(user=user, status=Cart.Status.OPEN, expires_at=expires) for user in users)
    return [(cart.pk, str(AccessToken.for_user(user))) for user, cart in zip(users, carts, strict=True)]


def _patch_requests(tag: str, products: list[int], rng: random.Random) -> list[Request]:
    shoppers = _shoppers(tag, "patch", PATCH_USERS)
    requests = []
    for _ in range(5000):
        cart_id, token = rng.choice(shoppers)
        body = json.dumps({"add": [{"product": rng.choice(products), "quantity": 1}]}, separators=(",", ":"))
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        requests.append(Request("PATCH", f"/api/v1/carts/{cart_id}/", body, headers))
    return requests


def _checkout_requests(tag: str, count: int, traffic: Traffic, rng: random.Random) -> list[Request]:
    """Fresh carts holding one to three hot products (reserved, like a shopper's) and, for a quarter of them,
    one unit of a scarce product (unreserved, so only the stock decides who gets it). Each shopper has a
    default address, which checkout needs."""
    from django.utils import timezone

    from shop.carts.models import CartItem
    from shop.carts.services import cart_holder
    from shop.catalog.models import StockReservation

    shoppers = _shoppers(tag, "checkout", count)
    until = timezone.now() + timedelta(hours=2)
    lines, holds = [], []
    for cart_id, _token in shoppers:
        for pid in rng.sample(traffic.hot, k=rng.randint(1, 3)):
            line = CartItem(cart_id=cart_id, product_id=pid, quantity=rng.randint(1, 2))
            lines.append(line)
            holds.append(
                StockReservation(holder=cart_holder(cart_id), product_id=pid, quantity=line.quantity, expires_at=until)
            )
        if rng.random() < 0.25:
            lines.append(CartItem(cart_id=cart_id, product_id=rng.choice(traffic.scarce), quantity=1))
    CartItem.objects.bulk_create(lines, batch_size=5000)
    StockReservation.objects.bulk_create(holds, batch_size=5000)
    return [
        Request("POST", f"/api/v1/carts/{cart_id}/checkout/", "{}", {**JSON, "Authorization": f"Bearer {token}"})
        for cart_id, token in shoppers
    ]


# --- Running -------------------------------------------------------------------------------------------


def start_wrk(
    *, port: int, kind: str, requests: list[Request], connections: int, duration: float, workdir: Path, phase: str
) -> subprocess.Popen:
    """Start one wrk (one thread) replaying `requests` in a cycle; its output goes to workdir/<phase>-<kind>.wrk.txt."""
    request_file = workdir / f"{phase}-{kind}.requests"
    request_file.write_text("\n".join(r.line() for r in requests) + "\n")
    command = [
        ensure_wrk(), "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s",
        "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(request_file),
    ]  # fmt: skip
    output = (workdir / f"{phase}-{kind}.wrk.txt").open("w")
    return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True)  # noqa: S603 - our argv
