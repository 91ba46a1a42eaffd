"""Import and export jobs on a real Celery worker: `python bench/jobs_bench.py import --rows 50000` and
`python bench/jobs_bench.py export --rows 100000` (both `[--db postgres|sqlite] [--redis URL]`).

Starts one `celery -A shop worker --pool solo` (the task runs in the worker process itself, so its peak memory
is the task's) on a throw-away database (test_<name> of --database-url, or a temporary SQLite file) with Redis
as broker and jobs cache, then:
- import: queues a job for a CSV of new products, follows its progress (rows done of total, from the jobs
  cache, as the admin shows it), confirms the preview, follows the import and checks that it landed whole
  (every product, stock = ledger);
- export: seeds the products with bulk_create, queues an export job of all of them and waits for its file.
Prints the seconds of each step and the worker's peak resident memory (VmHWM) before and after the job.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("import", "export"))
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/jobs_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for each step")
    return parser.parse_args(argv)


def setup(args) -> str:
    """Environment of this process and the worker's; returns the worker's DATABASE_URL."""
    media = tempfile.mkdtemp(prefix="jobs_bench_media")
    os.environ.update(
        DEBUG="on", LOG_LEVEL="WARNING", REDIS_URL=args.redis, CELERY_BROKER_URL=args.redis, MEDIA_ROOT=media,
        DJANGO_SETTINGS_MODULE="shop.settings", JOB_STALE_MINUTES="10",
    )  # fmt: skip
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='jobs_bench')}/db.sqlite3"
    else:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    caches["jobs"].clear()
    if args.db == "postgres":
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        return args.database_url.rsplit("/", 1)[0] + "/" + name
    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def start_worker(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url}
    worker = subprocess.Popen(  # noqa: S603 (our own worker)
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "shop", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(8)  # Django and Celery start-up
    return worker


def peak_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the process in MiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def follow(job, until: set, timeout: int) -> float:
    """Print the job's progress every 2 s until it reaches one of `until`; returns the seconds waited."""
    from shop.backoffice.jobs import job_progress

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        job.refresh_from_db()
        note = job_progress(job=job)
        print(
            f"  {time.perf_counter() - started:6.1f} s  {job.state:<9} {note.get('done', 0):>7,} of {job.total_rows:,}"
        )
        if job.state in until:
            return time.perf_counter() - started
        time.sleep(2)
    raise SystemExit(f"job {job.pk} still {job.state} after {timeout} s")


def staff():
    from shop.accounts.models import User

    return User.objects.create_user("bench@example.com", None, is_staff=True, is_superuser=True)


def csv_file(rows: int, slugs: list[str]) -> bytes:
    lines = ["sku,slug,title,description,price,image,stock,is_active,categories"]
    lines += [
        f"JB-{n},jb-{n},Imported thing {n},From a spreadsheet.,{n % 5000 + 1}.99,,{n % 300 + 1},1,"
        + "|".join(slugs[n % len(slugs) :][:2])
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def run_import(args, worker) -> None:
    from django.core.files.base import ContentFile
    from django.db.models import Sum

    from shop.backoffice.jobs import job_confirm, job_import_create
    from shop.backoffice.models import Job
    from shop.catalog.models import Category, Product, StockMovement
    from shop.catalog.resources import ProductResource
    from shop.core.formats import ShopCSV

    slugs = [Category.objects.create(name=f"C{i}", slug=f"c-{i}").slug for i in range(50)]
    user, data = staff(), csv_file(args.rows, slugs)
    job = job_import_create(
        by=user, model=Product, resource_class=ProductResource, file_format=ShopCSV(),
        upload=ContentFile(data, name="bench.csv"), rows=args.rows,
    )  # fmt: skip
    print(f"import job #{job.pk}: {args.rows:,} rows, {len(data) / 1e6:.1f} MB; preview:")
    preview = follow(job, {Job.State.PREVIEWED, Job.State.FAILED}, args.timeout)
    job_confirm(job=job, by=user)
    print("import:")
    confirm = follow(job, {Job.State.DONE, Job.State.FAILED}, args.timeout)
    products = Product.objects.filter(sku__startswith="JB-")
    stock = products.aggregate(total=Sum("stock"))["total"]
    ledger = StockMovement.objects.filter(product__in=products).aggregate(total=Sum("delta"))["total"]
    print(
        f"{job.state}: preview {preview:.1f} s, import {confirm:.1f} s; products {products.count():,} of "
        f"{args.rows:,}, stock {stock:,} = ledger {ledger:,}: {stock == ledger}; totals {job.totals}"
    )


def run_export(args, worker) -> None:
    from decimal import Decimal

    from shop.backoffice.jobs import job_export_create
    from shop.backoffice.models import Job
    from shop.catalog.models import Category, Product
    from shop.catalog.resources import ProductResource
    from shop.core.formats import ShopCSV

    category = Category.objects.create(name="All", slug="all")
    started = time.perf_counter()
    for start in range(0, args.rows, 10_000):
        products = Product.objects.bulk_create(
            Product(sku=f"EX-{n}", slug=f"ex-{n}", title=f"Exported thing {n}", description="Words " * 20,
                    price=Decimal(f"{n % 5000}.99"), stock=n % 300)
            for n in range(start, min(start + 10_000, args.rows))
        )  # fmt: skip
        Product.categories.through.objects.bulk_create(
            Product.categories.through(product_id=p.pk, category_id=category.pk) for p in products
        )
    print(f"seeded {args.rows:,} products in {time.perf_counter() - started:.1f} s")
    pks = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    job = job_export_create(by=staff(), model=Product, resource_class=ProductResource, file_format=ShopCSV(), pks=pks)
    print(f"export job #{job.pk}:")
    seconds = follow(job, {Job.State.DONE, Job.State.FAILED}, args.timeout)
    size = job.result.size if job.result else 0
    print(f"{job.state} {job.reason}: {seconds:.1f} s, file {size / 1e6:.1f} MB")


def main(argv=None) -> int:
    args = parse_args(argv)
    database_url = setup(args)
    from django.db import connection

    worker = start_worker(database_url)
    try:
        before = peak_mib(worker.pid)
        print(f"worker pid {worker.pid}: {before[0]:.0f} MiB resident after start-up")
        (run_import if args.what == "import" else run_export)(args, worker)
        now, peak = peak_mib(worker.pid)
        print(f"worker memory: peak {peak:.0f} MiB (start-up {before[1]:.0f} MiB), now {now:.0f} MiB")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        if args.db == "postgres":
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
