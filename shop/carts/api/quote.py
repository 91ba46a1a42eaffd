"""GET /carts/{id}/quote/: the cart priced for a destination and a shipping method, as checkout will price it."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from shop.accounts.countries import ISO_ALPHA2
from shop.accounts.selectors import address_of
from shop.carts.api.serializers import QuoteQuerySerializer
from shop.carts.models import Cart
from shop.carts.selectors import cart_queryset, cart_quote
from shop.pricing.api.serializers import ShippingOptionSerializer
from shop.pricing.selectors import Quote, shipping_method_choose, shipping_methods_for

MONEY = {"max_digits": 12, "decimal_places": 2}


class ChosenMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="The method's price.")


class CartQuoteSerializer(serializers.Serializer):
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(**MONEY)
    discount = serializers.DecimalField(**MONEY)
    shipping = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    tax_included = serializers.BooleanField(help_text="PRICES_INCLUDE_TAX: the total holds the tax already.")
    country = serializers.CharField(allow_null=True)
    voucher = serializers.CharField(allow_null=True, help_text="The code that counts, or null.")
    voucher_problem = serializers.CharField(allow_null=True, help_text="Why the cart's voucher does not count.")
    shipping_method = ChosenMethodSerializer(allow_null=True)
    shipping_methods = ShippingOptionSerializer(many=True, help_text="The methods serving the destination.")


def _country(cart: Cart, query: dict) -> str | None:
    if "country" in query and "shipping_address" in query:
        raise ValidationError({"non_field_errors": ["Give country or shipping_address, not both."]})
    if "shipping_address" in query:
        address = address_of(user_id=cart.user_id, pk=query["shipping_address"]) if cart.user_id else None
        if address is None:
            raise ValidationError({"shipping_address": ["No such address of the cart's owner."]})
        return address.country
    country = query.get("country", "").upper() or None
    if country is not None and country not in ISO_ALPHA2:
        raise ValidationError({"country": [f"Not an ISO 3166 alpha-2 code: {country!r}."]})
    return country


def quote_document(priced: Quote, *, country: str | None, options) -> dict:
    totals, method = priced.totals, priced.shipping_method
    chosen = {"code": method.code, "name": method.name, "price": method.price} if method else None
    return CartQuoteSerializer(
        {
            "currency": priced.currency,
            "subtotal": totals.subtotal,
            "discount": totals.discount,
            "shipping": totals.shipping,
            "tax": totals.tax,
            "total": totals.total,
            "tax_rate": totals.tax_rate,
            "tax_included": totals.tax_included,
            "country": country,
            "voucher": priced.voucher.code if priced.voucher else None,
            "voucher_problem": priced.voucher_problem,
            "shipping_method": chosen,
            "shipping_methods": options,
        }
    ).data


def quote_for_request(cart: Cart, params) -> dict:
    known = QuoteQuerySerializer().fields  # other parameters (`lang`, `format`) belong to the whole API
    query = QuoteQuerySerializer(data={name: value for name, value in params.items() if name in known})
    query.is_valid(raise_exception=True)
    country = _country(cart, query.validated_data)
    code = query.validated_data.get("shipping_method")
    if code is not None and country is None:
        raise ValidationError({"country": ["A shipping method needs a destination: country or shipping_address."]})
    method = shipping_method_choose(country=country, code=code) if code is not None else None
    priced = cart_quote(cart_queryset().get(pk=cart.pk), country=country, shipping_method=method)
    return quote_document(priced, country=country, options=shipping_methods_for(country=country))
