"""Request shapes of the FakeStore layer: its query parameters and the bodies its sandbox writes echo.
Strict like every request body of the shop: a field FakeStore does not document is a 400 naming it."""

from django.conf import settings
from rest_framework import serializers

from shop.carts.models import MAX_ITEM_QUANTITY
from shop.core.serializers import StrictSerializer

MAX_ID = 2**63 - 1


class ListQuerySerializer(StrictSerializer):
    limit = serializers.IntegerField(min_value=1, required=False)
    sort = serializers.ChoiceField(choices=("asc", "desc"), default="asc")

    def validate_limit(self, value: int) -> int:
        return min(value, settings.FAKESTORE_MAX_ITEMS)  # larger is clamped, as /api/v1/ clamps page sizes


class CartListQuerySerializer(ListQuerySerializer):
    startdate = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    enddate = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(max_length=254, help_text="A username or an email.")
    password = serializers.CharField(max_length=4096, write_only=True, style={"input_type": "password"})


class ProductWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    image = serializers.CharField(max_length=500, required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def to_representation(self, data):
        document = super().to_representation(data)
        if "price" in document:
            document["price"] = float(document["price"])  # a JSON number, as FakeStore answers
        return document


class NameSerializer(StrictSerializer):
    firstname = serializers.CharField(max_length=150, required=False, allow_blank=True)
    lastname = serializers.CharField(max_length=150, required=False, allow_blank=True)


class GeolocationSerializer(StrictSerializer):
    lat = serializers.CharField(max_length=32, required=False, allow_blank=True)
    long = serializers.CharField(max_length=32, required=False, allow_blank=True)


class AddressSerializer(StrictSerializer):
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    zipcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    geolocation = GeolocationSerializer(required=False)


class UserWriteSerializer(StrictSerializer):
    """The password is accepted and never echoed: nothing here serves one."""

    email = serializers.EmailField(required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(max_length=4096, required=False, write_only=True)
    name = NameSerializer(required=False)
    address = AddressSerializer(required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class CartLineSerializer(StrictSerializer):
    productId = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_ITEM_QUANTITY)


class CartWriteSerializer(StrictSerializer):
    userId = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    date = serializers.CharField(max_length=40, required=False, help_text="As FakeStore: 2020-02-03 or ISO 8601.")
    products = CartLineSerializer(many=True, required=False, max_length=100)
