"""The bench environment and database: created fresh, migrated, filled by generate_data, static collected."""

import json
import os
import secrets
import sys
from pathlib import Path

SIZES_FULL = {"products": 100_000, "categories": 200, "users": 10_000, "carts": 20_000, "orders": 50_000}
SIZES_SMALL = {"products": 5_000, "categories": 50, "users": 1_000, "carts": 2_000, "orders": 5_000}
SIZES_TINY = {"products": 20, "categories": 5, "users": 300, "carts": 300, "orders": 200}  # the "20 products"
SIZES = {"full": SIZES_FULL, "small": SIZES_SMALL, "tiny": SIZES_TINY}
# Per second, not per minute: DRF keeps one timestamp per request of the window in the throttle cache, so a
# minute at bench rates would pickle tens of thousands of them per request (production: at most the rate).
UNLIMITED = "100000000/s"


def database_url(db: str, workdir: Path, override: str | None, size: str = "full") -> str:
    if override:
        return override
    if db == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    return "postgres://postgres@127.0.0.1:5432/perf_bench" + ("" if size == "full" else f"_{size}")


def environment(*, url: str, workdir: Path, settings_module: str = "bench.settings") -> dict:
    """Production settings (DEBUG off) over plain HTTP, a throwaway SECRET_KEY, throttles out of the way."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DEBUG="off",
        HTTPS="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=url,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(workdir / "static"),
        JWT_ACCESS_MINUTES="600",
        **{f"THROTTLE_{scope}": UNLIMITED for scope in ("ANON", "USER", "AUTH", "CHECKOUT")},
    )
    env.pop("JWT_SIGNING_KEY", None)
    return env


def _admin_connection(url: str):
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"]
    )
    admin.autocommit = True
    return admin, config["NAME"]


def exists(url: str) -> bool:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).exists()
    admin, name = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    admin.close()
    return found


def recreate(url: str) -> None:
    """Drop and create the database (a PostgreSQL database, or the SQLite file and its WAL files)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin, name = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def drop(url: str) -> None:
    """Drop the PostgreSQL database of `url` (its open connections too)."""
    admin, name = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def build(*, sizes: dict, seed: int, workdir: Path, reuse: bool, db: str) -> dict:
    """migrate, generate_data (timed, unless reusing a filled database), collectstatic. Returns the timings."""
    from django.core.management import call_command

    from shop.catalog.models import Product
    from shop.devdata.datagen import Sizes, generate

    call_command("migrate", interactive=False, verbosity=0)
    saved = workdir / f"generate-{db}.json"
    if reuse and Product.objects.exists() and saved.exists():
        print("Reusing the existing database (timings from its generation).")
        timings = json.loads(saved.read_text())
    else:
        print(f"generate_data {sizes} --seed {seed}")
        timings = generate(sizes=Sizes(**sizes), seed=seed, stream=sys.stderr)
        saved.write_text(json.dumps({"sizes": sizes, **timings}))
        timings = {"sizes": sizes, **timings}
    call_command("collectstatic", interactive=False, verbosity=0)
    return timings
