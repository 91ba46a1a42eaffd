"""Shipping methods (anyone reads the active ones; staff manage them), tax rates and vouchers (staff)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from shop.accounts.countries import ISO_ALPHA2
from shop.core.permissions import ModelPermissionsOrReadOnly, StaffModelPermissions, sees_all
from shop.core.schema import problem_responses
from shop.core.translated import translations_saved
from shop.pricing import selectors, services
from shop.pricing.api.serializers import ShippingMethodSerializer, TaxRateSerializer, VoucherSerializer
from shop.pricing.models import ShippingMethod

COUNTRY_PARAMETER = OpenApiParameter(
    "country", str, OpenApiParameter.QUERY, description="ISO 3166 alpha-2: only the methods serving it."
)


def country_param(request) -> str | None:
    raw = request.query_params.get("country")
    if raw is None:
        return None
    country = raw.strip().upper()
    if country not in ISO_ALPHA2:
        raise ValidationError({"country": [f"Not an ISO 3166 alpha-2 code: {raw!r}."]})
    return country


@extend_schema_view(list=extend_schema(parameters=[COUNTRY_PARAMETER]))
class ShippingMethodViewSet(viewsets.ModelViewSet):
    """Anyone lists the active methods (`?country=` those serving it); holders of `pricing.view_shippingmethod`
    see inactive ones too; writes need `pricing.add_/change_/delete_shippingmethod`."""

    serializer_class = ShippingMethodSerializer
    permission_classes = (ModelPermissionsOrReadOnly,)
    search_fields = ("code", "name")
    ordering_fields = ("position", "price", "name")
    ordering = ("position", "price", "id")

    def get_queryset(self):
        queryset = selectors.shipping_method_list()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset if sees_all(self.request.user, ShippingMethod) else queryset.filter(is_active=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        country = country_param(self.request) if self.action == "list" else None
        if country is None:
            return queryset
        return queryset.filter(pk__in=[method.pk for method in queryset if method.serves(country)])

    def perform_create(self, serializer):
        with translations_saved(serializer):
            serializer.instance = services.shipping_method_create(**serializer.validated_data)

    def perform_update(self, serializer):
        with translations_saved(serializer):
            serializer.instance = services.shipping_method_update(
                shipping_method=serializer.instance, **serializer.validated_data
            )

    def perform_destroy(self, instance):
        services.shipping_method_delete(shipping_method=instance)


class TaxRateViewSet(viewsets.ModelViewSet):
    """Tax rates per destination country: `pricing.view_taxrate` to read, add_/change_/delete_ to write."""

    serializer_class = TaxRateSerializer
    permission_classes = (StaffModelPermissions,)
    search_fields = ("country", "name")
    ordering_fields = ("country", "rate")
    ordering = ("country",)

    def get_queryset(self):
        return selectors.tax_rate_list()

    def perform_create(self, serializer):
        serializer.instance = services.tax_rate_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.tax_rate_update(tax_rate=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.tax_rate_delete(tax_rate=instance)


@extend_schema_view(
    destroy=extend_schema(
        description="A voucher that has been used cannot be deleted (409): deactivate it instead.",
        responses={204: None, **problem_responses(409)},
    )
)
class VoucherViewSet(viewsets.ModelViewSet):
    """Vouchers: `pricing.view_voucher` to read, add_/change_/delete_ to write. `times_used` counts orders not
    cancelled."""

    serializer_class = VoucherSerializer
    permission_classes = (StaffModelPermissions,)
    search_fields = ("code",)
    ordering_fields = ("created_at", "code", "times_used")
    ordering = ("-created_at", "-id")
    filterset_fields = ("kind", "is_active")

    def get_queryset(self):
        return selectors.voucher_list()

    def perform_create(self, serializer):
        serializer.instance = services.voucher_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.voucher_update(voucher=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.voucher_delete(voucher=instance)
