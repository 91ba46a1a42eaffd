"""The mixed load of the two-instance run, over HTTP with `requests` from a pool of threads. Every simulated
client has its own address (X-Forwarded-For, one proxy hop trusted) and switches instances between requests:
customers log in on one and use the token on the other, fill their cart on one and check out on both at once
with one Idempotency-Key; staff adjust stock, upload an image and import files across instances; anonymous
readers browse; one address fails logins on both (the lock-out) and one tries too many (the throttle).
Every answer is recorded as a `two_instances_checks.Answer`."""

import io
import random
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor, wait

import requests

from bench.two_instances_checks import Answer

OTHER = {"a": "b", "b": "a"}
IMPORT, PROCESS_IMPORT = "/admin/catalog/product/import/", "/admin/catalog/product/process_import/"
TIMEOUT = 60


class Load:
    def __init__(self, *, ports: dict[str, int], prepared, seed: int):
        self.base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        self.prepared, self.rng = prepared, random.Random(seed)
        self.answers: list[Answer] = []
        self.facts: dict = {}  # what the special scenarios saw: lock-out, throttle, sessions, import, media
        self._addresses = iter(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**7))
        self._lock = threading.Lock()

    # --- Plumbing ------------------------------------------------------------------------------------

    def client(self) -> requests.Session:
        session = requests.Session()
        with self._lock:
            session.headers["X-Forwarded-For"] = next(self._addresses)
        return session

    def call(self, session, kind: str, instance: str, method: str, path: str, **kwargs) -> requests.Response:
        url = self.base[instance] + path
        response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        status, order, code = response.status_code, None, ""
        if kind == "checkout":
            document = response.json()
            order, code = (document.get("id"), "") if status == 201 else (None, document.get("code", ""))
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        key = kwargs.get("headers", {}).get("Idempotency-Key", "")
        self.answers.append(Answer(kind, instance, status, key=key, order=order, replayed=replayed, code=code))
        return response

    @staticmethod
    def bearer(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    # --- Customers -----------------------------------------------------------------------------------

    def login_elsewhere(self, customer, instance: str) -> None:
        """Log in on `instance`, then read the profile with the token on the other one."""
        session = self.client()
        body = {"email": customer.email, "password": self.prepared.password}
        answer = self.call(session, "login", instance, "POST", "/api/v1/auth/login/", json=body)
        if answer.status_code == 200:
            customer.token = answer.json()["access"]
        me = {"headers": self.bearer(customer.token)}
        self.call(session, "token_elsewhere", OTHER[instance], "GET", "/api/v1/auth/me/", **me)

    def fill_cart(self, customer) -> tuple[int, str]:
        """Cart on one instance, lines added on the other: a plentiful product, then a scarce one (a 409 only if
        its stock is gone already). Returns the cart and the first instance."""
        session, first = self.client(), self.rng.choice("ab")
        auth = self.bearer(customer.token)
        cart = self.call(session, "cart", first, "GET", "/api/v1/carts/current/", headers=auth).json()["id"]
        for product in (self.rng.choice(self.prepared.plentiful), self.rng.choice(list(self.prepared.scarce))):
            body = {"add": [{"product": product, "quantity": 1}]}
            self.call(session, "cart_add", OTHER[first], "PATCH", f"/api/v1/carts/{cart}/", json=body, headers=auth)
        return cart, first

    def check_out(self, customer, cart: int, first: str, pool: ThreadPoolExecutor, racers: int) -> None:
        """One checkout sent `racers` times at once, alternating instances, under one Idempotency-Key."""
        headers = {**self.bearer(customer.token), "Idempotency-Key": str(uuid.uuid4())}
        path = f"/api/v1/carts/{cart}/checkout/"
        instances = [("a", "b")[(n + (first == "b")) % 2] for n in range(racers)]
        racing = [pool.submit(self.call, self.client(), "checkout", name, "POST", path, json={}, headers=headers)
                  for name in instances]  # fmt: skip
        wait(racing)
        for future in racing:
            future.result()

    def browse(self, count: int) -> None:
        session = self.client()
        pages = ["/api/v1/products/", "/api/v1/categories/", "/fakestore/products?limit=5", "/health/ready"]
        products = [*self.prepared.plentiful, *self.prepared.scarce]
        for n in range(count):
            path = self.rng.choice([*pages, f"/api/v1/products/{self.rng.choice(products)}/"])
            self.call(session, "read", "ab"[n % 2], "GET", path)

    # --- Staff ---------------------------------------------------------------------------------------

    def staff_token(self) -> str:
        body = {"email": self.prepared.staff_email, "password": self.prepared.password}
        return self.call(self.client(), "login", "b", "POST", "/api/v1/auth/login/", json=body).json()["access"]

    def adjust_stock(self, token: str, count: int) -> None:
        """Read a plentiful product on one instance and set its stock a few units higher on the other (racing
        the checkouts that sell it: the ledger must still add up)."""
        session, auth = self.client(), self.bearer(token)
        for n in range(count):
            product, here = self.rng.choice(self.prepared.plentiful), "ab"[n % 2]
            path = f"/api/v1/products/{product}/"
            stock = self.call(session, "staff_read", here, "GET", path, headers=auth).json()["stock"]
            self.call(session, "staff_stock", OTHER[here], "PATCH", path, json={"stock": stock + 3}, headers=auth)

    def media(self, token: str) -> None:
        """Upload a product image on a, fetch it from b."""
        from PIL import Image

        picture = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 40, 40)).save(picture, format="PNG")
        session, product = self.client(), self.prepared.plentiful[0]
        files = {"file": ("two.png", picture.getvalue(), "image/png")}
        answer = self.call(session, "image_upload", "a", "POST", f"/api/v1/products/{product}/images/", files=files,
                           headers=self.bearer(token))  # fmt: skip
        url = answer.json().get("url", "") if answer.status_code == 201 else ""
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/media/missing"
        fetched = self.call(session, "image_elsewhere", "b", "GET", path)
        self.facts["media"] = {"upload": answer.status_code, "fetch": fetched.status_code,
                               "type": fetched.headers.get("Content-Type", "")}  # fmt: skip

    # --- Limits shared by both instances -------------------------------------------------------------

    def lockout(self, limit: int) -> None:
        """`limit` wrong passwords for one account from one address, alternating instances: the last of them is
        refused (429), and so is the right password afterwards, on both."""
        session, statuses = self.client(), []
        email = self.prepared.lockout_email
        attempts = [("wrong-" + str(n), "ab"[n % 2]) for n in range(limit)]
        attempts += [(self.prepared.password, "a"), (self.prepared.password, "b")]
        for password, instance in attempts:
            statuses.append((instance, self.login(session, "lockout", instance, email, password)))
        self.facts["lockout"] = statuses

    def throttle(self, rate: int) -> None:
        """`rate` + 3 logins (unknown accounts, each once) from one address, alternating instances."""
        session, statuses = self.client(), []
        for n in range(rate + 3):
            email, instance = f"nobody-{uuid.uuid4().hex[:8]}@example.com", "ab"[n % 2]
            statuses.append((instance, self.login(session, "throttle", instance, email, "x")))
        self.facts["throttle"] = statuses

    def login(self, session, kind: str, instance: str, email: str, password: str) -> int:
        body = {"email": email, "password": password}
        return self.call(session, kind, instance, "POST", "/api/v1/auth/login/", json=body).status_code

    # --- The admin: a session from one instance, imports across both -----------------------------------

    def admin_login(self, instance: str) -> requests.Session:
        session = self.client()
        page = self.call(session, "admin", instance, "GET", "/admin/login/")
        body = {"username": self.prepared.staff_email, "password": self.prepared.password, "next": "/admin/",
                "csrfmiddlewaretoken": _csrf(page.text)}  # fmt: skip
        self.call(session, "admin_login", instance, "POST", "/admin/login/", data=body)
        index = self.call(session, "admin_elsewhere", OTHER[instance], "GET", "/admin/")
        self.facts["admin_session"] = index.status_code
        return session

    def import_preview(self, session, instance: str, content: str) -> requests.Response:
        page = self.call(session, "admin", instance, "GET", IMPORT)
        data = {"resource": "0", "format": "0", "csrfmiddlewaretoken": _csrf(page.text)}
        files = {"import_file": ("two.csv", content.encode(), "text/csv")}
        return self.call(session, "import_preview", instance, "POST", IMPORT, data=data, files=files)

    def import_confirm_sync(self, session, preview: requests.Response, instance: str) -> int:
        """Confirm on `instance` a small file previewed on the other (the file waits in Redis meanwhile)."""
        fields = _hidden_inputs(preview.text)
        return self.call(session, "import_confirm", instance, "POST", PROCESS_IMPORT, data=fields).status_code

    def job_confirm(self, session, job: int, instance: str) -> int:
        page = self.call(session, "admin", instance, "GET", f"/admin/backoffice/job/{job}/change/")
        body, path = {"csrfmiddlewaretoken": _csrf(page.text)}, f"/admin/backoffice/job/{job}/confirm/"
        return self.call(session, "job_confirm", instance, "POST", path, data=body).status_code


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of the import's confirm form (the stored file's name, its format, the resource, csrf)."""
    form = html[html.find("process_import") :]
    found = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' in tag:
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if name:
                found.setdefault(name.group(1), value.group(1) if value else "")
    return found
