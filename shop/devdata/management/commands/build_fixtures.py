"""Convert the FakeStore data set (../shared/data/fakestore) into Django JSON fixtures in fixtures/.

It lives in the devdata app, the top floor, because it converts data of every app below it.
The output is deterministic: fixed primary keys and dates, and password hashes salted from the email, so
re-running it on the same data rewrites the same files and loading them twice updates instead of
duplicating.
"""

import csv
import hashlib
import json
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils.text import slugify

DEFAULT_SOURCE = settings.BASE_DIR.parent / "shared" / "data" / "fakestore"
DEFAULT_OUTPUT = settings.BASE_DIR / "fixtures"
CATALOG_DATE = "2024-05-16T00:00:00Z"  # the data set's publication date
USERS_JOINED = "2020-01-01T00:00:00Z"
COUNTRY = "US"  # FakeStore addresses are US cities without a country field
RESERVATION_MINUTES = 30


def _record(model: str, pk: int, **fields) -> dict:
    return {"model": model, "pk": pk, "fields": fields}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(value) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def build_categories(names: list[str]) -> tuple[list[dict], dict[str, int]]:
    records, ids = [], {}
    for pk, name in enumerate(names, start=1):
        slug = slugify(name)
        ids[name] = pk
        records.append(
            _record("catalog.category", pk, name=name, slug=slug, parent=None, description="", path=slug, depth=0)
        )
    return records, ids


def _unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:80].strip("-") or "product"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def build_products(products: list[dict], category_ids: dict[str, int]) -> list[dict]:
    records, movements, slugs = [], [], set()
    for item in sorted(products, key=lambda p: p["id"]):
        pk, count = item["id"], int(item["rating"]["count"])
        records.append(
            _record(
                "catalog.product",
                pk,
                sku=f"FS-{pk:04d}",
                slug=_unique_slug(item["title"], slugs),
                title=item["title"].strip(),
                description=item["description"],
                price=_money(item["price"]),
                image=item["image"],
                categories=[category_ids[item["category"]]],
                stock=count,
                is_active=True,
                rating_rate=_money(item["rating"]["rate"]),
                rating_count=count,
                rating_sum=_money(Decimal(_money(item["rating"]["rate"])) * count),
                created_at=CATALOG_DATE,
                updated_at=CATALOG_DATE,
            )
        )
        movements.append(
            _record(
                "catalog.stockmovement",
                pk,
                product=pk,
                delta=count,
                reason="initial",
                reference="FakeStore fixtures",
                user=None,
                created_at=CATALOG_DATE,
            )
        )
    return records + movements


def _password_hash(email: str, password: str) -> str:
    salt = hashlib.sha256(email.encode()).hexdigest()[:22]
    return make_password(password, salt=salt, hasher="pbkdf2_sha256")


def build_users(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    users, addresses = [], []
    for row in rows:
        pk, email = int(row["id"]), row["email"].strip().lower()
        users.append(
            _record(
                "accounts.user",
                pk,
                email=email,
                username=row["username"].strip() or None,
                password=_password_hash(email, row["password"]),
                first_name=row["firstname"],
                last_name=row["lastname"],
                phone=row["phone"],
                is_staff=False,
                is_superuser=False,
                is_active=True,
                date_joined=USERS_JOINED,
                last_login=None,
                groups=[],
                user_permissions=[],
            )
        )
        addresses.append(
            _record(
                "accounts.address",
                pk,
                user=pk,
                label="Home",
                line1=f"{row['number']} {row['street']}",
                line2="",
                city=row["city"],
                postcode=row["zipcode"],
                country=COUNTRY,
                phone=row["phone"],
                is_default=True,
                created_at=USERS_JOINED,
                updated_at=USERS_JOINED,
            )
        )
    return users, addresses


def build_carts(rows: list[dict]) -> list[dict]:
    """A cart is one (userid, date) pair; a user's newest cart stays open, older ones are abandoned."""
    lines = defaultdict(list)
    for row in rows:
        lines[(int(row["userid"]), row["date"])].append(row)
    newest = {}
    for user_id, date in lines:
        newest[user_id] = max(newest.get(user_id, date), date)
    carts, items, item_pk = [], [], 0
    ordered_keys = sorted(lines, key=lambda key: (datetime.fromisoformat(key[1]), key[0]))
    for cart_pk, (user_id, date) in enumerate(ordered_keys, start=1):
        moment = datetime.fromisoformat(date)
        expires = _iso(moment + timedelta(minutes=RESERVATION_MINUTES))
        status = "open" if newest[user_id] == date else "abandoned"
        carts.append(
            _record(
                "carts.cart",
                cart_pk,
                user=user_id,
                session_key=None,
                status=status,
                expires_at=expires,
                created_at=_iso(moment),
                updated_at=_iso(moment),
            )
        )
        for row in sorted(lines[(user_id, date)], key=lambda r: int(r["id"])):
            item_pk += 1
            items.append(
                _record(
                    "carts.cartitem",
                    item_pk,
                    cart=cart_pk,
                    product=int(row["productid"]),
                    quantity=int(row["quantity"]),
                    created_at=_iso(moment),
                    updated_at=_iso(moment),
                )
            )
    return carts + items


def build_pricing() -> list[dict]:
    """What the seeded shop charges beyond its goods: two shipping methods, the customers' country's tax and a
    welcome voucher, so a FakeStore customer's checkout shows real totals."""
    stamps = {"created_at": CATALOG_DATE, "updated_at": CATALOG_DATE}
    method = {"countries": [], "is_active": True, **stamps}
    return [
        _record(
            "pricing.shippingmethod", 1, code="standard", name="Standard", price="4.99", free_over="50.00",
            min_days=3, max_days=5, position=1, **method,
        ),
        _record(
            "pricing.shippingmethod", 2, code="express", name="Express", price="14.99", free_over=None,
            min_days=1, max_days=2, position=2, **method,
        ),
        _record("pricing.taxrate", 1, country=COUNTRY, rate="0.0825", name="Sales tax", is_active=True, **stamps),
        _record(
            "pricing.voucher", 1, code="WELCOME10", kind="percent", value="10.00", min_subtotal="20.00",
            max_discount="50.00", starts_at=None, ends_at=None, usage_limit=None, per_customer_limit=1,
            categories=[], is_active=True, times_used=0, **stamps,
        ),
    ]  # fmt: skip


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Command(BaseCommand):
    help = "Convert the FakeStore data set into JSON fixtures (fixtures/*.json)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="Folder of the FakeStore files.")
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Folder to write fixtures to.")

    def handle(self, *args, source: Path, output: Path, **options):
        store = json.loads((source / "fakeStoreData.json").read_text(encoding="utf-8"))
        categories, category_ids = build_categories(store["products/categories"])
        users, addresses = build_users(_read_csv(source / "users.csv"))
        files = {
            "categories.json": categories,
            "products.json": build_products(store["products"], category_ids),
            "users.json": users,
            "addresses.json": addresses,
            "carts.json": build_carts(_read_csv(source / "carts.csv")),
            "pricing.json": build_pricing(),
        }
        output.mkdir(parents=True, exist_ok=True)
        for name, records in files.items():
            (output / name).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            self.stdout.write(f"{output / name}: {len(records)} records")
