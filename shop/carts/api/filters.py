import django_filters
from django.contrib.auth import get_user_model

from shop.carts.models import Cart


class CartFilter(django_filters.FilterSet):
    """Staff filter by owner and status; a customer's list is already only their own carts."""

    user = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all(), help_text="User id.")
    status = django_filters.ChoiceFilter(choices=Cart.Status.choices)

    class Meta:
        model = Cart
        fields = ("user", "status")
