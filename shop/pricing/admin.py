"""Staff manage shipping methods, tax rates and vouchers here; saves go through the pricing services (the same
validation as the API and the import). Which orders used a voucher is shown by the back office's voucher admin,
which can name orders (shop/backoffice/admin.py)."""

from django.contrib import admin, messages
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin

from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError
from shop.core.i18n import localized
from shop.core.importexport import ShopImportExportMixin
from shop.core.translated import per_language
from shop.pricing import services
from shop.pricing.models import ShippingMethod, TaxRate, Voucher, VoucherUse
from shop.pricing.resources import ShippingMethodResource, TaxRateResource, VoucherResource


class ValidityFilter(admin.SimpleListFilter):
    title = "validity"
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return (("current", "Valid now"), ("upcoming", "Not started"), ("expired", "Expired"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(ends_at__lte=now)
        if self.value() == "current":
            return queryset.exclude(starts_at__gt=now).exclude(ends_at__lte=now)
        return queryset


class ServiceSaveMixin:
    """`save_model` through the app's update service (it validates and saves a new or changed object)."""

    def save_model(self, request, obj, form, change):
        self.save_with_service(obj)

    def delete_model(self, request, obj):
        try:
            self.delete_with_service(obj)
        except DomainError as exc:
            self.message_user(request, f"{obj}: {error_text(exc)}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ShippingMethod)
class ShippingMethodAdmin(ServiceSaveMixin, ShopImportExportMixin, TranslationAdmin):
    """The name in each language side by side (the default language's required)."""

    resource_classes = (ShippingMethodResource,)
    fields = (
        per_language("name"), "code", "price", "free_over", "countries", "min_days", "max_days", "position",
        "is_active",
    )  # fmt: skip
    list_display = (
        "name", "code", "price", "free_over", "country_list", "min_days", "max_days", "position", "is_active",
    )  # fmt: skip
    list_filter = ("is_active",)
    search_fields = (*per_language("name"), "code")
    prepopulated_fields = {"code": (localized("name"),)}
    show_full_result_count = False

    @admin.display(description="countries")
    def country_list(self, obj):
        return ", ".join(obj.countries) or "all"

    def save_with_service(self, obj):
        services.shipping_method_update(shipping_method=obj)

    def delete_with_service(self, obj):
        services.shipping_method_delete(shipping_method=obj)


@admin.register(TaxRate)
class TaxRateAdmin(ServiceSaveMixin, ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (TaxRateResource,)
    list_display = ("country", "rate", "percent", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("country", "name")
    show_full_result_count = False

    @admin.display(description="%")
    def percent(self, obj):
        return f"{obj.rate * 100:.2f} %"

    def save_with_service(self, obj):
        services.tax_rate_update(tax_rate=obj)

    def delete_with_service(self, obj):
        services.tax_rate_delete(tax_rate=obj)


class VoucherUseInline(admin.TabularInline):
    """The uses of a voucher: one per order (its number), released when the order was cancelled."""

    model = VoucherUse
    extra = 0
    can_delete = False
    fields = ("reference", "user", "discount", "created_at", "released_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Voucher)
class VoucherAdmin(ServiceSaveMixin, ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (VoucherResource,)
    list_display = (
        "code", "kind", "value", "min_subtotal", "max_discount", "uses", "per_customer_limit", "starts_at", "ends_at",
        "is_active",
    )  # fmt: skip
    list_filter = ("kind", "is_active", ValidityFilter, "categories")
    search_fields = ("code",)
    autocomplete_fields = ("categories",)
    readonly_fields = ("times_used", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "kind", "value", "is_active")}),
        ("Conditions", {"fields": ("min_subtotal", "max_discount", "categories", "starts_at", "ends_at")}),
        ("Limits", {"fields": ("usage_limit", "per_customer_limit", "times_used")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (VoucherUseInline,)
    show_full_result_count = False

    @admin.display(description="used", ordering="times_used")
    def uses(self, obj):
        return f"{obj.times_used} / {obj.usage_limit}" if obj.usage_limit is not None else f"{obj.times_used}"

    def save_with_service(self, obj):
        services.voucher_update(voucher=obj)  # the categories follow in save_related, from the form

    def delete_with_service(self, obj):
        services.voucher_delete(voucher=obj)
