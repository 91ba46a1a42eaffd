"""Profile one page in-process with pyinstrument: `python bench/profile_page.py [--db sqlite|postgres] PATH`.

Uses the database a `bench/run.py` run left in bench/out/<db>/ (or --database-url). `--staff` sends a
staff session; `--customer` a fresh customer's JWT, with `{cart}` in PATH replaced by their open cart's
id (and, for `--method POST` on a checkout, a fresh cart with one hot product per repetition).
Example: `python bench/profile_page.py --customer --method PATCH --body '{"add":[{"product":1,"quantity":1}]}'
/api/v1/carts/{cart}/`.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness.database import database_url, environment  # noqa: E402

FILTER = {"filter_threshold": 0.02}  # hide frames under 2 % of the time


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default="")
    parser.add_argument("--staff", action="store_true")
    parser.add_argument("--customer", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--html", help="also write pyinstrument's HTML report to this file")
    parser.add_argument("--all", action="store_true", help="show library frames too (frames under 2 %% hidden)")
    parser.add_argument("--flat", action="store_true", help="also a flat cProfile listing (own time per function)")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = ROOT / "bench" / "out" / args.db
    os.environ.update(environment(url=database_url(args.db, workdir, args.database_url), workdir=workdir))
    import django

    django.setup()
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    client, requests = _requests(args)
    client.generic(args.method, requests[0][0], requests[0][1], content_type="application/json")  # warm-up
    profiler = Profiler(interval=0.0005)
    with profiler:
        for path, body in requests[1:]:
            status = client.generic(args.method, path, body, content_type="application/json").status_code
    print(f"{args.method} {args.path}: last status {status}, {args.repeat} requests")
    renderer = ConsoleRenderer(unicode=True, color=False, show_all=args.all, processor_options=FILTER)
    print(profiler.output(renderer))
    if args.flat:
        _flat(client, args.method, requests[1:])
    if args.html:
        Path(args.html).write_text(profiler.output_html())


def _flat(client, method: str, requests: list) -> None:
    """The same requests again under cProfile: the 30 functions with the most own time."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    with profile:
        for path, body in requests:
            client.generic(method, path, body, content_type="application/json")
    pstats.Stats(profile).sort_stats("tottime").print_stats(30)


def _requests(args):
    from django.test import Client

    from bench.harness.prepare import _hot_products, _shoppers, _staff_session

    client = Client()
    if args.staff:
        client.cookies["sessionid"] = _staff_session()
    if not args.customer:
        return client, [(args.path, args.body)] * (args.repeat + 1)
    import random

    checkout = args.method == "POST" and "checkout" in args.path
    products = _hot_products() if checkout else []
    count = args.repeat + 1 if checkout else 1
    shoppers = _shoppers(f"profile{os.getpid()}", "profile", count, products, random.Random(1))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {shoppers[0].token}"
    if checkout:  # every checkout needs its own user and cart: one client header per request is swapped below
        return _PerUserClient(client, shoppers), [(args.path.format(cart=s.cart_id), args.body) for s in shoppers]
    return client, [(args.path.format(cart=shoppers[0].cart_id), args.body)] * (args.repeat + 1)


class _PerUserClient:
    """Sends the n-th request with the n-th shopper's token (checkout consumes the cart)."""

    def __init__(self, client, shoppers):
        self.client, self.shoppers, self.n = client, shoppers, 0

    def generic(self, method, path, body, content_type):
        token = self.shoppers[self.n].token
        self.n += 1
        return self.client.generic(method, path, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


if __name__ == "__main__":
    main()
