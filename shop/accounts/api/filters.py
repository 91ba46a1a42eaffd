"""Query filters of /users/ and /addresses/. A value that does not parse is a 400 (see shop.core.filters)."""

from django import forms
from django_filters import rest_framework as filters

from shop.accounts.models import Address, User
from shop.core.filters import StrictBooleanFilter


class IntegerFilter(filters.NumberFilter):
    """A whole number (NumberFilter would accept `1.5`)."""

    field_class = forms.IntegerField


class UserFilter(filters.FilterSet):
    is_staff = StrictBooleanFilter(label="Staff (`true`) or customers (`false`).")
    is_active = StrictBooleanFilter()
    date_joined = filters.IsoDateTimeFromToRangeFilter(
        label="`date_joined_after` / `date_joined_before`: ISO 8601 times, inclusive."
    )

    class Meta:
        model = User
        fields = ("is_staff", "is_active", "date_joined")


class AddressFilter(filters.FilterSet):
    """`user` narrows staff lists; for a customer the list is already their own."""

    user = IntegerFilter(field_name="user_id", label="Id of the owning user.")
    is_default = StrictBooleanFilter()
    country = filters.CharFilter(label="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Address
        fields = ("user", "is_default", "country")
