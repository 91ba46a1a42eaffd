"""The pricing app's domain errors; shop.core.errors turns them into problem documents with `reason`."""

from shop.core.exceptions import DomainError

#: Why a voucher cannot be used, as the API names it.
REASONS = {
    "unknown": "No voucher has this code.",
    "inactive": "This voucher is not active.",
    "not_started": "This voucher is not valid yet.",
    "expired": "This voucher has expired.",
    "used_up": "This voucher has been used up.",
    "minimum_not_met": "The cart's goods do not reach this voucher's minimum.",
    "not_applicable": "This voucher applies to none of the cart's goods.",
}


class VoucherInvalid(DomainError):
    """400: the code cannot be applied (`reason`, one of REASONS)."""

    code = "voucher_invalid"
    title = "Voucher not usable"

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or REASONS[reason], extra={"reason": reason})
        self.reason = reason


class VoucherUnavailable(VoucherInvalid):
    """409 at checkout: the cart's voucher stopped being usable since it was applied (used up by others,
    expired...). Nothing was changed; the customer removes the voucher or tries another."""

    status = 409
    code = "voucher_unavailable"
    title = "Voucher unavailable"
