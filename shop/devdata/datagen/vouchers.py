"""Vouchers for generated orders: a mix of percentages, fixed amounts and free shipping, without usage limits
(so any number of orders may use them); `times_used` is counted from the uses once the orders exist."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from shop.devdata.datagen.base import CATALOG_START, Progress, batch_transaction, chunked, insert
from shop.pricing.models import Voucher, VoucherUse
from shop.pricing.totals import VoucherTerms

KINDS = ((Voucher.Kind.PERCENT, 6), (Voucher.Kind.FIXED, 3), (Voucher.Kind.FREE_SHIPPING, 1))
SHARE_OF_ORDERS = 0.3  # how many generated orders use a voucher


@dataclass
class VoucherState:
    vouchers: list[Voucher] = field(default_factory=list)
    terms: list[VoucherTerms] = field(default_factory=list)

    def pick(self, rng: random.Random) -> int | None:
        """The index of a voucher for the next order, or None (most orders use none)."""
        if not self.vouchers or rng.random() >= SHARE_OF_ORDERS:
            return None
        return rng.randrange(len(self.vouchers))


def _voucher(rng: random.Random, n: int) -> Voucher:
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    value = {
        Voucher.Kind.PERCENT: Decimal(rng.choice((5, 10, 15, 20, 25))),
        Voucher.Kind.FIXED: Decimal(rng.choice((2, 5, 10, 20))),
        Voucher.Kind.FREE_SHIPPING: Decimal("0"),
    }[kind]
    max_discount = Decimal(rng.choice((25, 50, 100))) if kind == Voucher.Kind.PERCENT else None
    return Voucher(
        code=f"GEN{n + 1:05d}", kind=kind, value=value, max_discount=max_discount, created_at=CATALOG_START,
        updated_at=CATALOG_START,
    )  # fmt: skip


def create_vouchers(*, rng: random.Random, count: int, batch_size: int, progress: Progress) -> VoucherState:
    state = VoucherState()
    for numbers in chunked(count, batch_size):
        vouchers = [_voucher(rng, n) for n in numbers]
        with batch_transaction():
            insert(Voucher, vouchers, batch_size)
        state.vouchers += vouchers
        progress.advance(len(vouchers))
    state.terms = [
        VoucherTerms(code=v.code, kind=v.kind, value=v.value, max_discount=v.max_discount) for v in state.vouchers
    ]
    return state


def count_voucher_uses() -> int:
    """`times_used` = the uses not released (orders not cancelled), for every voucher; returns rows changed."""
    uses = (
        VoucherUse.objects.filter(voucher=OuterRef("pk"), released_at__isnull=True)
        .order_by()
        .values("voucher")
        .annotate(n=Count("id"))
        .values("n")
    )
    used = VoucherUse.objects.values("voucher_id")
    return Voucher.objects.filter(pk__in=used).update(times_used=Coalesce(Subquery(uses), 0))
