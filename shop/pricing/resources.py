"""Import/export of shipping methods (by code), tax rates (by country) and vouchers (by code, categories by
slug). Rows are saved through the pricing services, so an import obeys the rules of the API and the admin."""

from import_export import fields
from import_export.widgets import Widget

from shop.catalog.models import Category
from shop.core.importexport import KeyManyToManyWidget, ShopResource, adopt_saved
from shop.core.translated import translated_columns
from shop.pricing.models import ShippingMethod, TaxRate, Voucher
from shop.pricing.services import (
    shipping_method_create,
    shipping_method_update,
    tax_rate_create,
    tax_rate_update,
    voucher_create,
    voucher_update,
)

SHIPPING_FIELDS = translated_columns(
    ShippingMethod, ("code", "name", "price", "free_over", "countries", "min_days", "max_days", "position", "is_active")
)  # the name in each language: `name`, `name_tr`
TAX_FIELDS = ("country", "rate", "name", "is_active")
VOUCHER_FIELDS = (
    "code", "kind", "value", "min_subtotal", "max_discount", "starts_at", "ends_at", "usage_limit",
    "per_customer_limit", "is_active",
)  # fmt: skip


class CountriesWidget(Widget):
    """`US|CA` in a cell, `["US", "CA"]` in the model; an empty cell is every country."""

    def clean(self, value, row=None, **kwargs):
        return [code.strip() for code in str(value or "").split("|") if code.strip()]

    def render(self, value, obj=None, **kwargs):
        return "|".join(value or [])


def _save(instance, is_create, names, create, update, key):
    values = {name: getattr(instance, name) for name in names}
    if is_create:
        adopt_saved(instance, create(**values))
    else:
        update(**{key: instance}, **values)


class ShippingMethodResource(ShopResource):
    countries = fields.Field(attribute="countries", column_name="countries", widget=CountriesWidget())

    class Meta:
        model = ShippingMethod
        import_id_fields = ("code",)
        fields = SHIPPING_FIELDS
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        _save(instance, is_create, SHIPPING_FIELDS, shipping_method_create, shipping_method_update, "shipping_method")


class TaxRateResource(ShopResource):
    class Meta:
        model = TaxRate
        import_id_fields = ("country",)
        fields = TAX_FIELDS
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        _save(instance, is_create, TAX_FIELDS, tax_rate_create, tax_rate_update, "tax_rate")


class VoucherResource(ShopResource):
    categories = fields.Field(
        attribute="categories",
        column_name="categories",
        widget=KeyManyToManyWidget(Category, field="slug", separator="|"),
    )
    times_used = fields.Field(attribute="times_used", column_name="times_used", readonly=True)

    class Meta:
        model = Voucher
        import_id_fields = ("code",)
        fields = (*VOUCHER_FIELDS, "categories", "times_used")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().prefetch_related("categories")

    def get_instance(self, instance_loader, row):
        """Codes match whatever their case, as at checkout."""
        code = str(row.get("code") or "").strip()
        return self.get_queryset().filter(code__iexact=code).first() if code else None

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in VOUCHER_FIELDS}
        categories = getattr(instance, "cleaned_m2m", {}).get("categories")
        if categories is not None:
            values["categories"] = categories
        if is_create:
            adopt_saved(instance, voucher_create(**values))
        else:
            voucher_update(voucher=instance, **values)

    def save_m2m(self, instance, row, **kwargs):
        """The categories were written by the service, with the row."""
