"""The admin's part of variants and options: attributes with their values, a parent's variants inline (stock
through the ledger), the action that generates variants, the structure filter and the product form's
variant fields. `ProductAdmin` (admin.py) mixes in `VariantAdminMixin`; every write goes through the
catalog services."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from shop.catalog import selectors, variants
from shop.catalog.models import ADJUST_STOCK_PERMISSION, MAX_STOCK, Attribute, AttributeValue, Product
from shop.catalog.resources import AttributeResource
from shop.catalog.services import product_update, variants_generate
from shop.core.admin_actions import RefusableDeleteMixin, error_text, form_for_action, render_action_form
from shop.core.exceptions import Conflict, DomainError, InvalidInput
from shop.core.i18n import localized
from shop.core.importexport import ShopImportExportMixin
from shop.core.translated import per_language

Structure = Product.Structure
FORM_FIELDS = {"options": "options_text", "title": localized("title"), "description": localized("description")}
INLINE_FIELDS = ("sku", "price", "stock", "is_active")  # service error keys that the form names otherwise


# --- Attributes ------------------------------------------------------------------------------------


class AttributeValueInline(TranslationTabularInline):
    """A value's name in each language, one column each (the default language's required)."""

    model = AttributeValue
    fields = (*per_language("name"), "slug", "position")
    prepopulated_fields = {"slug": (localized("name"),)}
    extra = 3


@admin.register(Attribute)
class AttributeAdmin(RefusableDeleteMixin, ShopImportExportMixin, TranslationAdmin):
    """What variants differ by, named in each language side by side. A value that variants use cannot be
    deleted (Django lists them), nor an attribute that products vary by (`attribute_delete`)."""

    resource_classes = (AttributeResource,)
    fields = (per_language("name"), "slug", "position")
    list_display = ("name", "slug", "position", "value_list")
    search_fields = (*per_language("name"), "slug")
    prepopulated_fields = {"slug": (localized("name"),)}
    inlines = (AttributeValueInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("values")

    @admin.display(description="values")
    def value_list(self, obj):
        return ", ".join(value.name for value in obj.values.all())

    def delete_refusal(self, queryset) -> str:
        refused = []
        for attribute in queryset:
            try:
                with transaction.atomic():
                    variants.attribute_delete(attribute=attribute)
                    transaction.set_rollback(True)  # only asking
            except Conflict:
                refused.append(attribute.name)
        return f"Not deleted: {', '.join(refused)}: products vary by them." if refused else ""

    def delete_model(self, request, obj):
        variants.attribute_delete(attribute=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for attribute in queryset.order_by("pk"):
            variants.attribute_delete(attribute=attribute)


# --- The product page ------------------------------------------------------------------------------


class VariantInline(admin.TabularInline):
    """A parent's variants: SKU, options, price, stock (a change is an `adjustment` movement), active. New
    variants come from the "Generate variants" action or the add form (structure Variant)."""

    model = Product
    fk_name = "parent"
    fields = ("sku", "option_text", "price", "stock", "is_active")  # INLINE_FIELDS and the options
    readonly_fields = ("option_text",)
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "variant"
    verbose_name_plural = "variants"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("option_values__attribute", "option_values__value")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.has_perm(ADJUST_STOCK_PERMISSION) else (*readonly, "stock")

    @admin.display(description="options")
    def option_text(self, obj):
        return variants.options_format(variants.product_options(obj)) if obj.pk else "-"

    def has_add_permission(self, request, obj=None):
        return False


class ProductVariantForm(forms.ModelForm):
    """The product form with a variant's options as text (`size=m|colour=red`, as in imports). Title, slug
    and price may stay empty here: the service decides (a variant takes its parent's title, a parent's price
    follows its variants)."""

    options_text = forms.CharField(
        label="options", required=False, help_text="A variant's values, e.g. size=m|colour=red."
    )

    class Meta:
        model = Product
        fields = (
            *("title", "slug", "sku", "description", "image", "categories", "is_active", "price", "stock"),
            *("structure", "parent", "option_attributes"),
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (localized("title"), "slug", "price", "structure"):
            if name in self.fields:
                self.fields[name].required = False
        if self.instance.pk and self.instance.is_child:
            self.initial["options_text"] = variants.options_format(variants.product_options(self.instance))

    def clean_options_text(self):
        try:
            return variants.options_parse(self.cleaned_data["options_text"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        """The variant rules' errors on their fields; the save checks again under the parent's lock."""
        cleaned = super().clean()
        instance = self.instance
        structure = cleaned.get("structure") or instance.structure
        if structure != Structure.CHILD and localized("title") in self.fields and not cleaned.get(localized("title")):
            self.add_error(localized("title"), "This field is required.")  # a variant's may stay empty
        try:
            variants.variant_check(
                structure=structure,
                parent=cleaned.get("parent") or instance.parent,
                options=cleaned.get("options_text") if "options_text" in cleaned else None,
                option_attributes=[attribute.slug for attribute in cleaned.get("option_attributes") or ()],
                stock=cleaned.get("stock") or 0,
                exclude_pk=instance.pk,
            )
        except InvalidInput as exc:
            for name, messages_ in exc.errors.items():
                field = FORM_FIELDS.get(name, name)
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned


def variant_values(form, change: bool) -> dict:
    """What the product form hands to `product_create` / `product_update` for variants."""
    data, changed = form.cleaned_data, set(form.changed_data)
    values = {}
    if "options_text" in changed or (not change and data.get("options_text")):
        values["options"] = data["options_text"]
    if "option_attributes" in data and (not change or "option_attributes" in changed):
        values["option_attributes"] = [attribute.slug for attribute in data["option_attributes"]]
    if not change:
        values.update(structure=data.get("structure") or Structure.STANDALONE, parent=data.get("parent"))
    return values


class StructureFilter(admin.SimpleListFilter):
    """Lists show standalone products and parents, as the shop does; variants on request."""

    title = "structure"
    parameter_name = "structure"

    def lookups(self, request, model_admin):
        return (("parent", "Parents"), ("standalone", "Standalone"), ("child", "Variants"), ("all", "All"))

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() in Structure.values:
            return queryset.filter(structure=self.value())
        return queryset.exclude(structure=Structure.CHILD)


class GenerateVariantsForm(forms.Form):
    values = forms.ModelMultipleChoiceField(
        queryset=AttributeValue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every combination of the chosen values becomes a variant; existing ones are skipped.",
    )
    price = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    stock = forms.IntegerField(min_value=0, max_value=MAX_STOCK, initial=0)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        attributes = Attribute.objects.filter(
            pk__in=Product.option_attributes.through.objects.filter(product__in=parents).values("attribute_id")
        )
        self.fields["values"].queryset = AttributeValue.objects.filter(attribute__in=attributes).select_related(
            "attribute"
        )


class VariantAdminMixin:
    """ProductAdmin's variant columns, inline saving and actions."""

    def variant_queryset(self, queryset):
        """A variant's options, and its parent's images (its thumbnail when it has no picture of its own)."""
        queryset = queryset.select_related("parent").prefetch_related(
            "option_values__attribute", "option_values__value"
        )
        return selectors.products_with_variant_totals(selectors.with_images(queryset, prefix="parent__"))

    @admin.display(description="variants")
    def variant_info(self, obj):
        if obj.is_parent:
            return format_html("{} variant(s), {} in stock", obj.n_variants, obj.variant_stock)
        return variants.options_format(variants.product_options(obj)) if obj.is_child else ""

    def variant_readonly_fields(self, obj) -> tuple:
        if obj is None:
            return ()
        return ("structure", "parent", "stock", "price") if obj.is_parent else ("structure", "parent")

    def parent_aware_changelist_form(self, form):
        class ChangelistForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.is_parent:  # no stock of its own; its price follows its variants
                    for name in ("stock", "price"):
                        if name in self.fields:
                            self.fields[name].disabled = True

        return ChangelistForm

    def save_formset(self, request, form, formset, change):
        """A parent's variants are saved through `product_update` (stock as an `adjustment` movement)."""
        if formset.model is not Product:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.deleted_objects, formset.changed_objects = [], [], []
        with transaction.atomic():
            for variant_form in formset.forms:
                changed = [name for name in variant_form.changed_data if name in INLINE_FIELDS]
                if changed:
                    data = variant_form.cleaned_data
                    product_update(product=variant_form.instance, **{n: data[n] for n in changed}, by=request.user)
                    formset.changed_objects.append((variant_form.instance, changed))
        return None

    @admin.action(permissions=["add"], description="Generate variants of selected parents…")
    def generate_variants(self, request, queryset):
        parents = queryset.filter(structure=Structure.PARENT)
        form = form_for_action(request, GenerateVariantsForm, parents=parents)
        if form.is_bound and form.is_valid():
            try:
                created = _generate_all(parents, form.cleaned_data, request.user)
            except DomainError as exc:
                self.message_user(request, f"Nothing created: {error_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{created} variant(s) created.", messages.SUCCESS)
            return None
        if not parents.exists():
            self.message_user(request, "Select parent products (structure Parent).", messages.WARNING)
            return None
        return render_action_form(self, request, parents, form, action="generate_variants", title="Generate variants")


@transaction.atomic
def _generate_all(parents, data, user) -> int:
    """All parents or none: a refusal for one creates nothing for any."""
    created = 0
    for parent in parents.order_by("pk"):
        values = [value for value in data["values"] if parent.option_attributes.filter(pk=value.attribute_id)]
        created += len(
            variants_generate(parent=parent, values=values, price=data["price"], stock=data["stock"], by=user)
        )
    return created
