"""Money values: `Decimal` with two places, on every database.

`to_money` is what services store: quantized to the cent, and never `-0.00` (a price typed as "-0" is
0.00). `MoneyField` is the output field for money computed in a query (a `Sum` or a product of columns):
SQLite hands such expressions back as floats turned into 15-digit decimals (`798.040000000000`), while
columns are already quantized; `MoneyField` quantizes computed values too.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

CENT = Decimal("0.01")
MONEY_DIGITS = 12


def to_money(value) -> Decimal:
    """`value` as a Decimal with two places (half up); negative zero becomes 0.00."""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount if amount else abs(amount)


class MoneyField(models.DecimalField):
    """A DecimalField (12 digits, 2 places) whose values read from the database are always quantized."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else to_money(value)


def shop_currency() -> str:
    """The shop's one currency (settings.SHOP_CURRENCY, ISO 4217); also the default of currency columns."""
    return settings.SHOP_CURRENCY
