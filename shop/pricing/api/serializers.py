from rest_framework import serializers

from shop.catalog.api.fields import CategoryIdsField
from shop.core.i18n import TranslationsField
from shop.core.schema import ProblemSerializer
from shop.core.serializers import StrictModelSerializer
from shop.pricing.exceptions import REASONS
from shop.pricing.models import ShippingMethod, TaxRate, Voucher


class ShippingMethodSerializer(StrictModelSerializer):
    countries = serializers.ListField(
        child=serializers.CharField(min_length=2, max_length=2),
        required=False,
        max_length=300,
        help_text="ISO 3166 alpha-2 codes it serves; empty: every country.",
    )
    translations = TranslationsField(ShippingMethod)

    class Meta:
        model = ShippingMethod
        fields = (
            "id", "code", "name", "price", "free_over", "countries", "min_days", "max_days", "position", "is_active",
            "translations",
        )  # fmt: skip
        read_only_fields = ("id",)


class TaxRateSerializer(StrictModelSerializer):
    class Meta:
        model = TaxRate
        fields = ("id", "country", "rate", "name", "is_active")
        read_only_fields = ("id",)


class VoucherSerializer(StrictModelSerializer):
    categories = CategoryIdsField(required=False, help_text="Only goods of these categories; empty: all goods.")

    class Meta:
        model = Voucher
        fields = (
            "id", "code", "kind", "value", "min_subtotal", "max_discount", "starts_at", "ends_at", "usage_limit",
            "per_customer_limit", "categories", "is_active", "times_used", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "times_used", "created_at")


class ShippingOptionSerializer(serializers.Serializer):
    """A shipping method as a customer sees it for a destination."""

    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    free_over = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()


class VoucherProblemSerializer(ProblemSerializer):
    """400 `voucher_invalid` (applying a code) or 409 `voucher_unavailable` (checkout), with the reason."""

    reason = serializers.ChoiceField(choices=sorted(REASONS), required=False, help_text="Why the voucher is refused.")
