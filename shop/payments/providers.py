"""Payment providers behind one small interface.

A provider starts a payment (and says what the customer needs to pay: Stripe's client secret, the manual
instructions), shows an open payment again, and gives money back. `provider_get(name)` is the registry; a
provider that is not configured is refused like an unknown one. Provider calls raise `ProviderError` (502),
so the caller's transaction rolls back and nothing is recorded.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

from shop.core.exceptions import DomainError, InvalidInput
from shop.payments.models import Payment

logger = logging.getLogger(__name__)

#: ISO 4217 currencies Stripe counts in whole units, and those it counts in thousandths.
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905 - a list to read
)
THREE_DECIMAL_CURRENCIES = frozenset(("BHD", "JOD", "KWD", "OMR", "TND"))


class ProviderError(DomainError):
    status = 502
    code = "payment_provider_error"
    title = "Payment provider error"


@dataclass(frozen=True)
class PaymentSteps:
    """What the customer needs to pay: one of these, by provider."""

    client_secret: str | None = None
    instructions: str | None = None


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's smallest unit, as Stripe counts it (12.34 USD -> 1234, 1200 JPY -> 1200)."""
    code = currency.upper()
    exponent = 0 if code in ZERO_DECIMAL_CURRENCIES else 3 if code in THREE_DECIMAL_CURRENCIES else 2
    return int((amount * 10**exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class ManualProvider:
    """Bank transfer or cash on delivery: the customer gets instructions, staff record the money."""

    name = Payment.Provider.MANUAL

    def enabled(self) -> bool:
        return True

    def start(self, payment: Payment) -> PaymentSteps:
        return self.resume(payment)

    def resume(self, payment: Payment) -> PaymentSteps:
        order = payment.order
        text = settings.PAYMENT_MANUAL_INSTRUCTIONS.format(
            number=order.number, total=payment.amount, currency=payment.currency
        )
        return PaymentSteps(instructions=text)

    def refund(self, payment: Payment, *, amount: Decimal, reason: str, key: str) -> str:
        return ""  # the money goes back by hand; the refund is only recorded


class StripeProvider:
    """PaymentIntents through the official library; enabled when the secret key and the webhook secret are set."""

    name = Payment.Provider.STRIPE

    def enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    @staticmethod
    def client() -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
            max_network_retries=2,  # retried with the same idempotency key: never a second charge
        )

    def start(self, payment: Payment) -> PaymentSteps:
        params = {
            "amount": minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order": payment.order.number, "payment": str(payment.pk)},
        }
        key = f"shop-payment-{payment.order.number}-{payment.pk}"
        intent = self._call(self.client().v1.payment_intents.create, params, options={"idempotency_key": key})
        payment.reference = intent.id
        return PaymentSteps(client_secret=intent.client_secret)

    def resume(self, payment: Payment) -> PaymentSteps:
        intent = self._call(self.client().v1.payment_intents.retrieve, payment.reference)
        return PaymentSteps(client_secret=intent.client_secret)

    def refund(self, payment: Payment, *, amount: Decimal, reason: str, key: str) -> str:
        params = {
            "payment_intent": payment.reference,
            "amount": minor_units(amount, payment.currency),
            "metadata": {"order": payment.order.number, "reason": reason[:500]},
        }
        refund = self._call(self.client().v1.refunds.create, params, options={"idempotency_key": key})
        return refund.id

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as exc:
            logger.warning("Stripe refused or failed: %s", exc, extra={"stripe_request_id": exc.request_id})
            raise ProviderError(f"Stripe: {exc.user_message or 'the request failed'}; nothing was changed.") from exc


PROVIDERS = {provider.name: provider for provider in (ManualProvider(), StripeProvider())}


def provider_get(name: str):
    """The provider called `name`; an unknown or unconfigured one is a 400 on `provider`."""
    provider = PROVIDERS.get(name)
    if provider is None or not provider.enabled():
        offered = ", ".join(sorted(n for n, p in PROVIDERS.items() if p.enabled()))
        raise InvalidInput({"provider": [f"Unknown or unavailable provider {name!r}; offered: {offered}."]})
    return provider
