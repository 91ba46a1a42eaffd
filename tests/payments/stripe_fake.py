"""A small Stripe for tests: the endpoints the shop calls, served on 127.0.0.1 by a thread of the test process.

The shop talks to it through the real `stripe` library (STRIPE_API_BASE points there), so requests are built,
sent and parsed as they would be against Stripe; nothing leaves the machine. It keeps PaymentIntents and
refunds in memory, honours idempotency keys, and builds and signs the webhook events Stripe would send.
"""

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

import stripe

WEBHOOK_SECRET = "whsec_test_shop_fake"
SECRET_KEY = "sk_test_shop_fake"


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`metadata[order]=SO-1`) back into dicts."""
    data: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return data


class FakeStripe:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.failure: tuple[int, str] | None = None
        self._answers: dict[str, tuple[int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "FakeStripe":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_with(self, status: int, message: str = "Your card was declined.") -> None:
        """Every following request is answered with this Stripe error."""
        self.failure = (status, message)

    # --- what Stripe would do ---------------------------------------------------------------------
    def answer(self, method: str, path: str, params: dict, headers) -> tuple[int, dict]:
        key = headers.get("Idempotency-Key")
        with self._lock:
            self.requests.append({"method": method, "path": path, "params": params, "idempotency_key": key})
            if self.failure:
                return self.failure[0], {"error": {"type": "card_error", "message": self.failure[1]}}
            if key and key in self._answers:
                return self._answers[key]
            answer = self._route(method, path, params)
            if key:
                self._answers[key] = answer
            return answer

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/payment_intents":
            return 200, self._create_intent(params)
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(path.rsplit("/", 1)[1])
            return (200, intent) if intent else _missing("payment_intent")
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        return _missing(path)

    def _create_intent(self, params: dict) -> dict:
        intent_id = f"pi_fake_{next(self._ids)}"
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{next(self._ids)}",
            "metadata": params.get("metadata", {}),
        }
        return self.intents[intent_id]

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent")
        amount = int(params.get("amount", intent["amount_received"]))
        left = intent["amount_received"] - intent.get("amount_refunded", 0)
        if intent["status"] != "succeeded" or amount > left:
            message = f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
            return 400, {"error": {"type": "invalid_request_error", "message": message}}
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
        refund_id = f"re_fake_{next(self._ids)}"
        self.refunds[refund_id] = {
            "id": refund_id, "object": "refund", "amount": amount, "payment_intent": intent["id"],
            "currency": intent["currency"], "status": "succeeded", "metadata": params.get("metadata", {}),
        }  # fmt: skip
        return 200, self.refunds[refund_id]

    # --- events -----------------------------------------------------------------------------------
    def succeed(self, intent_id: str, *, amount: int | None = None, currency: str | None = None) -> dict:
        """The customer paid: the intent succeeds (with what Stripe received) and the event is returned."""
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"] if amount is None else amount)
        if currency:
            intent["currency"] = currency
        return self.event("payment_intent.succeeded", intent)

    def decline(self, intent_id: str) -> dict:
        intent = self.intents[intent_id]
        intent.update(status="requires_payment_method", last_payment_error={"message": "Your card was declined."})
        return self.event("payment_intent.payment_failed", intent)

    def refunded_charge(self, intent_id: str, amount: int) -> dict:
        """A refund made in Stripe's dashboard: the `charge.refunded` event with the running total."""
        intent = self.intents[intent_id]
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
        charge = {
            "id": f"ch_fake_{next(self._ids)}", "object": "charge", "payment_intent": intent_id,
            "amount": intent["amount_received"], "amount_refunded": intent["amount_refunded"],
            "currency": intent["currency"], "refunded": intent["amount_refunded"] >= intent["amount_received"],
        }  # fmt: skip
        return self.event("charge.refunded", charge)

    def event(self, event_type: str, obj: dict) -> dict:
        return {
            "id": f"evt_fake_{next(self._ids)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": dict(obj)},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._reply(*fake.answer("GET", urlparse(self.path).path, {}, self.headers))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = _nested(parse_qsl(body, keep_blank_values=True))
                self._reply(*fake.answer("POST", urlparse(self.path).path, params, self.headers))

            def _reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_fake_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


def _missing(what: str) -> tuple[int, dict]:
    return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing", "message": f"No such {what}"}}


def signed_header(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)


def signed(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[str, str]:
    """(body, Stripe-Signature header) as Stripe sends them."""
    body = json.dumps(event)
    return body, signed_header(body, secret=secret, timestamp=timestamp)
